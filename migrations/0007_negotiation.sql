-- Dataspace Protocol 2025-1 contract negotiations, as provider or consumer. `id` is this node's process id
-- (providerPid when we provide, consumerPid when we consume); the counterparty's pid is learnt from its first
-- answer or message. Every transition bumps `version` under a row lock, so two messages cannot both move one
-- negotiation; the messages a transition sends are written to the outbox in the same transaction.
create table negotiations (
  id text primary key,
  role text not null check (role in ('provider', 'consumer')),
  state text not null check (state in ('REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED')),
  version int not null default 1,
  counterparty_did text not null,
  -- Where the counterparty's negotiation endpoints live: the provider's DSP base, or the consumer's callback address.
  counterparty_address text not null,
  counterparty_pid text,
  -- The @id of the offer the negotiation started from (a catalog offer, or the provider's initial offer).
  offer_id text not null,
  target text not null,
  -- The latest offer on the table, who made it, and the last offer this node made itself.
  offer jsonb not null,
  offer_by text not null check (offer_by in ('provider', 'consumer')),
  own_offer jsonb,
  purpose text,
  agreement_id text unique,
  agreement jsonb,
  provider_signature text,
  consumer_signature text,
  termination_code text,
  termination_reason text,
  -- Transitions, oldest first: [{ at, state, message, direction, digest?, by? }].
  history jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index negotiations_counterparty_pid on negotiations (counterparty_did, counterparty_pid) where counterparty_pid is not null;
create index negotiations_listing on negotiations (created_at, id);
create index negotiations_state on negotiations (state, updated_at);
