-- Privacy notices (src/notices): one notice per processing (dataset, offer, consumer, purpose, intermediary), whose
-- versions are immutable rows. A new version is written only when the content hash differs from the current one.
-- The catalog's personal-data description of datasets needs no column: it lives in catalog_resources.details.
create table privacy_notices (
  id uuid primary key,
  dataset_id text not null,
  offer_id text not null,
  consumer_did text not null,
  purpose text not null,
  intermediary_did text not null,
  current_version integer not null,
  -- Whether the current version still lists missing fields (the controller's to-do list).
  incomplete boolean not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (dataset_id, offer_id, consumer_did, purpose, intermediary_did)
);
create index privacy_notices_updated on privacy_notices (updated_at, id);

create table privacy_notice_versions (
  notice_id uuid not null references privacy_notices (id),
  version integer not null,
  -- 'sha256:' + hex SHA-256 of the RFC 8785 canonical JSON of `content`.
  hash text not null,
  content jsonb not null,
  missing jsonb not null,
  created_at timestamptz not null,
  primary key (notice_id, version)
);

-- A consent refers to a notice version by id, version and hash: the text it was given on must never change.
create function privacy_notice_versions_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'privacy notice versions are immutable';
end $$;
create trigger privacy_notice_versions_no_change before update or delete on privacy_notice_versions
  for each row execute function privacy_notice_versions_immutable();
