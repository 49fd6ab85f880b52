-- Cross-node witnessing of transparency logs (RFC 9162 style): heads this node checked and counter-signed for
-- trusted participants, cosignatures other nodes sent for this node's own heads, and split views detected.

-- The heads of each participant this node verified (signature, consistency with the previous one) and cosigned.
create table ledger_witnessed (
  participant_did text not null,
  size int8 not null check (size >= 0),
  root_hash text not null,
  ts timestamptz not null,
  jws text not null,
  cosignature text not null,
  observed_at timestamptz not null,
  primary key (participant_did, size)
);

-- Cosignatures of this node's own tree heads received from witnesses (one per witness and size).
create table ledger_cosignatures (
  size int8 not null check (size >= 0),
  witness_did text not null,
  jws text not null,
  received_at timestamptz not null,
  primary key (size, witness_did)
);
create index ledger_cosignatures_witness on ledger_cosignatures (witness_did, size);

-- Evidence of a participant signing two heads that cannot both be true: both JWS are kept as they arrived.
create table ledger_split_views (
  id int8 generated always as identity primary key,
  participant_did text not null,
  size int8 not null,
  reason text not null,
  known_jws text not null,
  presented_jws text not null,
  detected_at timestamptz not null
);
create index ledger_split_views_participant on ledger_split_views (participant_did, detected_at);
