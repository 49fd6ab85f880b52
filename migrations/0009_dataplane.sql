-- Named connections of the data plane: where SQL sources and REST sources/sinks get their credentials.
-- `settings` holds only what may be shown (base URL, header names, a URL without its password); the secret (a
-- PostgreSQL connection URL, or the credential headers of an HTTP API) is sealed with the node's master key,
-- bound to the connection name, so a database dump alone reveals no credential.
create table connections (
  name text primary key,
  kind text not null check (kind in ('postgres', 'http')),
  settings jsonb not null,
  secret_sealed text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
