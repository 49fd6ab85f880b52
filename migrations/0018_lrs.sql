-- The Learning Record Store (src/lrs): xAPI clients, statements, and side tables that make every statement query
-- an index range scan. Statement JSON is kept exactly as stored (format=exact); the columns and side tables are
-- derived from it at write time and never change, except `voided` (set when a voiding statement arrives).

create table lrs_clients (
  id text primary key,
  name text not null,
  -- The HTTP Basic user name; the password is a 32-byte random secret of which only the SHA-256 is kept.
  key text not null unique,
  secret_hash text not null,
  scopes jsonb not null,
  created_at timestamptz not null,
  deleted_at timestamptz
);

create table lrs_statements (
  id text primary key,
  statement jsonb not null,
  stored timestamptz not null,
  verb_id text not null,
  registration text,
  -- The StatementRef target (voiding statements and plain references): filters follow references to targets.
  ref_id text,
  is_voiding boolean not null,
  voided boolean not null default false,
  -- The SHA-2 hashes of attachments whose bytes arrived with the statement (GET ?attachments=true sends them).
  attachment_hashes jsonb not null default '[]'
);
-- Unfiltered pages and since/until: (stored, id) is the cursor, ties on equal `stored` broken by id.
create index lrs_statements_stored on lrs_statements (stored, id) where not voided;
create index lrs_statements_verb on lrs_statements (verb_id, stored, id) where not voided;
create index lrs_statements_registration on lrs_statements (registration, stored, id) where registration is not null;
create index lrs_statements_ref on lrs_statements (ref_id) where ref_id is not null;

-- Actor IFI keys (agent.ts ifiKey). kind 'direct': the actor or object (and members of a Group there);
-- kind 'related': every agent anywhere (also authority, instructor, team, 2.0 context agents and groups,
-- sub-statements), a superset of 'direct', so each query is one range scan on (kind, agent_key, stored).
create table lrs_statement_agents (
  statement_id text not null references lrs_statements (id),
  kind text not null check (kind in ('direct', 'related')),
  agent_key text not null,
  stored timestamptz not null,
  primary key (statement_id, kind, agent_key)
);
create index lrs_statement_agents_key on lrs_statement_agents (kind, agent_key, stored, statement_id);

-- Activity ids. 'direct': the object Activity; 'related': also context activities and sub-statement ones.
create table lrs_statement_activities (
  statement_id text not null references lrs_statements (id),
  kind text not null check (kind in ('direct', 'related')),
  activity_id text not null,
  stored timestamptz not null,
  primary key (statement_id, kind, activity_id)
);
create index lrs_statement_activities_key on lrs_statement_activities (kind, activity_id, stored, statement_id);

-- Attachment bytes by their SHA-2 hash (content-addressed: the same file in many statements is stored once).
create table lrs_attachments (
  sha2 text primary key,
  content_type text not null,
  content bytea not null,
  created_at timestamptz not null
);
