-- Exchange receipts (src/receipts): one row per transfer this node took part in, keyed by its own transfer id.
-- The provider creates it when the transfer completes; the consumer when the provider's receipt or its own
-- measurement arrives, whichever comes first (then `document` is still null).
create table exchange_receipts (
  transfer_id text primary key,
  role text not null check (role in ('provider', 'consumer')),
  status text not null check (status in ('pending', 'countersigned', 'disputed')),
  counterparty_did text,
  counterparty_dsp text,
  agreement_id text,
  dataset_id text,
  -- The signed facts (RFC 8785 canonical JSON of it is what both parties sign) and its 'sha256:' hash.
  document jsonb,
  document_hash text,
  provider_jws text,
  consumer_jws text,
  provider_ledger_receipt jsonb,
  consumer_ledger_receipt jsonb,
  -- Index of this node's own `exchange.receipt` (or `exchange.dispute`) entry in its log.
  own_entry_index bigint,
  -- Consumer: whether TRANSFER reported its measurement yet, and what it measured (null: the node saw no bytes).
  measured boolean not null default false,
  measurement jsonb,
  dispute_reason text,
  -- 'due': this node's signature and log receipt still have to be sent to the counterparty (outside the
  -- transaction that decided it, which cannot sign on PGlite nor know its log receipt before commit).
  outgoing text not null default 'none' check (outgoing in ('none', 'due', 'sent')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index exchange_receipts_agreement on exchange_receipts (agreement_id, created_at);
create index exchange_receipts_dataset on exchange_receipts (dataset_id, created_at);
create index exchange_receipts_outgoing on exchange_receipts (outgoing, updated_at) where outgoing = 'due';
