-- xAPI document resources (src/lrs): State, Activity Profile and Agent Profile documents, and the canonical
-- Activity definitions the Activities resource answers with (merged from every statement that defines them).

create table lrs_documents (
  kind text not null check (kind in ('state', 'activity_profile', 'agent_profile')),
  -- Parts that do not apply to a kind are '' (not null) so the whole key can be the primary key.
  activity_id text not null,
  -- The agent's IFI key (src/lrs/domain/agent.ts ifiKey), e.g. 'mbox::mailto:a@example.org'.
  agent_key text not null,
  -- A lower-case registration UUID, '' when the state has none.
  registration text not null,
  doc_id text not null,
  content_type text not null,
  -- The bytes exactly as stored: the ETag is the SHA-1 of these bytes.
  content bytea not null,
  etag text not null,
  updated timestamptz not null,
  primary key (kind, activity_id, agent_key, registration, doc_id)
);
-- Lists and bulk deletes filter by everything but the id (and, for lists, by `since`).
create index lrs_documents_scope on lrs_documents (kind, activity_id, agent_key, updated);

create table lrs_activity_definitions (
  id text primary key,
  definition jsonb not null,
  updated timestamptz not null
);
