-- The person's rights (src/rights). Intermediary side: the parties' signed exchange reports (what happened to the
-- person's data under each consent) and the person's erasure requests, tracked per participant until each answers.
-- Party side: exchange reports waiting to be signed and sent, and erasure requests received from intermediaries.

create table rights_exchange_reports (
  id text primary key,
  person_id text not null,
  consent_id text not null,
  reporter_did text not null,
  role text not null check (role in ('provider', 'consumer')),
  transfer_id text not null,
  state text not null check (state in ('STARTED', 'COMPLETED', 'TERMINATED')),
  provider_did text not null,
  consumer_did text not null,
  dataset_id text not null,
  at timestamptz not null,
  bytes bigint,
  sha256 text,
  reason text,
  -- The compact JWS exactly as the party signed it (the person's export carries it: verifiable offline).
  jws text not null,
  received_at timestamptz not null,
  -- A report is idempotent per reporter, transfer and state (the outbox delivers at least once).
  unique (reporter_did, transfer_id, state)
);
create index rights_exchange_reports_person on rights_exchange_reports (person_id, at);

create table rights_erasure_requests (
  id text primary key,
  person_id text not null,
  requested_at timestamptz not null
);
create index rights_erasure_requests_person on rights_erasure_requests (person_id, requested_at);

create table rights_erasure_parties (
  request_id text not null references rights_erasure_requests (id),
  participant_did text not null,
  subject_id text not null,
  status text not null check (status in ('sent', 'delivered', 'confirmed', 'refused', 'undeliverable')),
  request_jws text not null,
  confirmation_jws text,
  reason text,
  error text,
  updated_at timestamptz not null,
  answered_at timestamptz,
  primary key (request_id, participant_did)
);

create table rights_received_erasures (
  id text primary key,
  intermediary_did text not null,
  subject_id text not null,
  requested_at timestamptz not null,
  request_jws text not null,
  status text not null check (status in ('received', 'erased', 'refused')),
  reason text,
  confirmation_jws text,
  received_at timestamptz not null,
  decided_at timestamptz
);
create index rights_received_erasures_received on rights_received_erasures (received_at);

-- Written in the transaction that records the transfer's change (where neither signing nor reading the directory
-- may wait on the database), then signed and handed to the outbox right after commit; `due` rows a crash left
-- behind are picked up by a sweep.
create table rights_outgoing_reports (
  id text primary key,
  intermediary_did text not null,
  transfer_id text not null,
  state text not null,
  facts jsonb not null,
  status text not null check (status in ('due', 'sent', 'dropped')),
  created_at timestamptz not null,
  sent_at timestamptz,
  unique (intermediary_did, transfer_id, state)
);
create index rights_outgoing_reports_due on rights_outgoing_reports (created_at) where status = 'due';
