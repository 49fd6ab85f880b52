-- The node backbone: identity, operator API keys, trusted participants, the catalog and the federated catalog.
-- Written for both PostgreSQL 15 (Debian) and PGlite (PostgreSQL 18): keep to SQL both accept.

create table node_keys (
  kid text primary key,
  public_jwk jsonb not null,
  private_jwk_enc text not null,
  created_at timestamptz not null,
  retired_at timestamptz
);

create table node_identity (
  did text primary key,
  profile jsonb not null,
  credential text not null,
  updated_at timestamptz not null
);

create table api_keys (
  id uuid primary key,
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  scopes jsonb not null,
  created_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz
);

create table participants (
  did text primary key,
  name text not null,
  roles jsonb not null,
  endpoints jsonb not null,
  did_document jsonb not null,
  credential text not null,
  self_description jsonb not null,
  status text not null check (status in ('active', 'suspended')),
  status_reason text,
  verified_at timestamptz not null,
  added_at timestamptz not null,
  updated_at timestamptz not null
);

-- Single-use JWT ids of inbound node-to-node tokens, kept until they expire.
create table seen_tokens (
  issuer text not null,
  jti text not null,
  expires_at timestamptz not null,
  primary key (issuer, jti)
);
create index seen_tokens_expires_at on seen_tokens (expires_at);

-- Datasets and services share one table: DCAT-AP Dataset and DataService have the same descriptive core.
create table catalog_resources (
  id uuid primary key,
  kind text not null check (kind in ('dataset', 'software-service', 'infrastructure-service')),
  title jsonb not null,
  description jsonb not null,
  keywords jsonb not null,
  themes jsonb not null,
  languages jsonb not null,
  license text,
  publisher text,
  contains_personal_data boolean not null default false,
  details jsonb not null,
  sort_title text not null,
  search_text text not null,
  fts_en tsvector generated always as (to_tsvector('english'::regconfig, search_text)) stored,
  fts_fr tsvector generated always as (to_tsvector('french'::regconfig, search_text)) stored,
  version integer not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index catalog_resources_kind_created on catalog_resources (kind, created_at, id);
create index catalog_resources_kind_title on catalog_resources (kind, sort_title, id);
create index catalog_resources_fts_en on catalog_resources using gin (fts_en);
create index catalog_resources_fts_fr on catalog_resources using gin (fts_fr);
create index catalog_resources_keywords on catalog_resources using gin (keywords jsonb_path_ops);
create index catalog_resources_themes on catalog_resources using gin (themes jsonb_path_ops);

create table offerings (
  id uuid primary key,
  title jsonb not null,
  description jsonb not null,
  policy jsonb not null,
  pricing jsonb,
  version integer not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table offering_resources (
  offering_id uuid not null references offerings (id) on delete cascade,
  resource_id uuid not null references catalog_resources (id) on delete restrict,
  primary key (offering_id, resource_id)
);
create index offering_resources_resource on offering_resources (resource_id);

-- The federated catalog: datasets crawled from trusted participants' DSP catalogs.
create table federated_datasets (
  participant_did text not null references participants (did) on delete cascade,
  dataset_id text not null,
  dataset jsonb not null,
  title text not null,
  search_text text not null,
  fts_en tsvector generated always as (to_tsvector('english'::regconfig, search_text)) stored,
  fts_fr tsvector generated always as (to_tsvector('french'::regconfig, search_text)) stored,
  source_address text not null,
  fetched_at timestamptz not null,
  primary key (participant_did, dataset_id)
);
create index federated_datasets_fts_en on federated_datasets using gin (fts_en);
create index federated_datasets_fts_fr on federated_datasets using gin (fts_fr);

create table federated_sources (
  participant_did text primary key references participants (did) on delete cascade,
  source_address text not null,
  last_crawl_at timestamptz not null,
  last_status text not null check (last_status in ('ok', 'failed')),
  last_error text,
  dataset_count integer not null
);

-- Leases for background jobs, so that only one of several processes sharing the database runs a job at a time.
create table job_leases (
  name text primary key,
  holder text not null,
  lease_until timestamptz not null
);
