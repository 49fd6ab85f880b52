-- The transparency log (RFC 9162 Merkle tree): entries, every complete subtree hash, the current size and root,
-- and the signed tree heads. Rows are only ever inserted (ledger_state is updated); `dases log verify` checks
-- every table against the others. Written for both PostgreSQL 15 (Debian) and PGlite (PostgreSQL 18).

-- canonical holds the exact hashed bytes (RFC 8785 JSON of the entry); the other columns serve the filters and
-- are checked against it.
create table ledger_entries (
  idx bigint primary key check (idx >= 0),
  type text not null,
  actor text not null,
  subject text not null,
  ts timestamptz not null,
  canonical text not null
);
create index ledger_entries_type on ledger_entries (type, idx);
create index ledger_entries_subject on ledger_entries (subject, idx);
create index ledger_entries_actor on ledger_entries (actor, idx);
create index ledger_entries_ts on ledger_entries (ts, idx);

-- Node (level, idx) is the hash of leaves [idx * 2^level, (idx + 1) * 2^level); level 0 holds the leaf hashes.
-- Only complete subtrees are stored, so a row never changes once written.
create table ledger_nodes (
  level smallint not null check (level >= 0 and level < 64),
  idx bigint not null check (idx >= 0),
  hash bytea not null check (length(hash) = 32),
  primary key (level, idx)
);

create table ledger_state (
  id boolean primary key default true check (id),
  size bigint not null check (size >= 0),
  root_hash bytea not null check (length(root_hash) = 32)
);
-- The empty tree: MTH({}) = SHA-256 of the empty string.
insert into ledger_state (id, size, root_hash) values (true, 0, decode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'));

create table ledger_heads (
  size bigint primary key check (size >= 0),
  root_hash bytea not null check (length(root_hash) = 32),
  ts timestamptz not null,
  jws text not null
);
