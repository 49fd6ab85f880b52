-- Consents (src/consent). Intermediary side: one row per consent (request and record), the person behind it known
-- only here; the ISO/IEC TS 27560 record and each signed receipt of its changes. Party side: what the
-- intermediary's signed notices told this node (provider or consumer) about a consent it is party to.
create table consents (
  id text primary key,
  person_id text not null,
  -- Pseudonymous PII principal id of the record (random per consent: the parties cannot correlate people by it).
  principal_id text not null,
  consumer_did text not null,
  provider_did text not null,
  dataset_id text not null,
  offer_id text,
  purpose text not null,
  consumer_subject_id text not null,
  provider_subject_id text not null,
  status text not null check (status in ('requested', 'granted', 'refused', 'withdrawn', 'expired')),
  -- The notice the record refers to, and a newer version awaiting the person's reconfirmation (null: none).
  notice jsonb not null,
  pending_notice jsonb,
  record jsonb not null,
  expires_at timestamptz,
  receipt_seq integer not null default 0,
  last_receipt_hash text,
  -- Optimistic concurrency: a change signs outside the transaction, then applies only if nothing changed since.
  version integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index consents_person on consents (person_id, updated_at);
create index consents_expiry on consents (expires_at) where status = 'granted';
-- At most one open consent (asked or granted) per person, recipient, provider, dataset and purpose.
create unique index consents_open on consents (person_id, consumer_did, provider_did, dataset_id, purpose) where status in ('requested', 'granted');

create table consent_receipts (
  consent_id text not null references consents (id),
  seq integer not null,
  jws text not null,
  hash text not null,
  state text not null,
  created_at timestamptz not null,
  primary key (consent_id, seq)
);

create table party_consents (
  consent_id text primary key,
  intermediary_did text not null,
  role text not null check (role in ('provider', 'consumer')),
  provider_did text not null,
  consumer_did text not null,
  dataset_id text not null,
  purpose text not null,
  status text not null check (status in ('granted', 'refused', 'withdrawn', 'expired')),
  -- Granted, but the notice changed and the person has not reconfirmed yet: nothing may flow meanwhile.
  reconfirmation_required boolean not null default false,
  expires_at timestamptz,
  receipt_seq integer not null,
  receipt text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index party_consents_expiry on party_consents (expires_at) where status = 'granted';
