-- Dataspace Protocol 2025-1 transfer processes, as provider or consumer. `id` is this node's process id (providerPid
-- when we provide, consumerPid when we consume). Every transition bumps `version` (written only over the version it
-- was decided on), and the messages it sends go to the outbox in the same transaction.
create table transfers (
  id text primary key,
  role text not null check (role in ('provider', 'consumer')),
  state text not null check (state in ('REQUESTED', 'STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED')),
  version int not null default 1,
  counterparty_did text not null,
  -- The provider's DSP base (consumer side) or the consumer's callback address (provider side).
  counterparty_address text not null,
  counterparty_pid text,
  agreement_id text not null,
  dataset_id text not null,
  format text not null check (format in ('HttpData-PULL', 'HttpData-PUSH')),
  finite boolean not null default true,
  -- Provider: the distribution source streamed and its media type.
  source jsonb,
  media_type text,
  -- Consumer (pull): the DataAddress received; provider (push): where the consumer asked us to push.
  data_address jsonb,
  -- Consumer: where the node stores the data itself (management API dataDestination).
  destination jsonb,
  -- Consumer: 'direct' (its systems read the data address), 'node' (this node moves the bytes).
  delivery text not null default 'direct' check (delivery in ('direct', 'node')),
  -- Background work of this transfer ('push' provider side, 'pull' consumer side), leased through job_leases
  -- (name transfer-job:<id>); job_runs counts claims, so that a destination that cannot resume is not written twice.
  job text check (job in ('push', 'pull')),
  job_runs int not null default 0,
  bytes int8,
  sha256 text,
  data_started_at timestamptz,
  data_ended_at timestamptz,
  termination_code text,
  termination_reason text,
  history jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index transfers_counterparty_pid on transfers (counterparty_did, counterparty_pid) where counterparty_pid is not null;
create index transfers_listing on transfers (created_at, id);
create index transfers_running on transfers (state, role, finite);
create index transfers_jobs on transfers (job) where job is not null;
create index transfers_agreement on transfers (agreement_id);
