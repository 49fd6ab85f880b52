-- Signed contracts: bilateral (DSP agreements, manual proposals) and multi-party ecosystem contracts. Versions
-- are immutable documents addressed by 'sha256:' + the hash of their RFC 8785 JSON; signatures and notices are
-- compact JWS kept as they arrived, with the public key each was verified with (so a file verifies offline).

create table contracts (
  id text primary key,
  kind text not null check (kind in ('bilateral', 'ecosystem')),
  title text not null,
  -- The DSP agreement a bilateral contract backs (null for manual and ecosystem contracts).
  agreement_id text unique,
  status text not null check (status in ('pending', 'active', 'terminated', 'revoked')),
  -- The version in force (null until the first one is active) and the newest one.
  current_hash text,
  latest_hash text not null,
  ended_by text,
  ended_reason text,
  ended_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index contracts_status on contracts (status, updated_at);

create table contract_versions (
  hash text primary key check (hash ~ '^sha256:[0-9a-f]{64}$'),
  contract_id text not null references contracts (id),
  version int not null check (version >= 1),
  previous_hash text references contract_versions (hash),
  proposer text,
  document jsonb not null,
  -- The exact text that was hashed.
  canonical text not null,
  status text not null check (status in ('pending', 'active', 'superseded', 'terminated', 'revoked')),
  valid_until timestamptz,
  created_at timestamptz not null,
  activated_at timestamptz,
  unique (contract_id, version)
);

-- The parties each version needs a signature from (members of an ecosystem contract; provider and consumer).
create table contract_parties (
  version_hash text not null references contract_versions (hash),
  did text not null,
  role text not null,
  primary key (version_hash, did)
);
create index contract_parties_did on contract_parties (did);

create table contract_signatures (
  version_hash text not null references contract_versions (hash),
  signer_did text not null,
  jws text not null,
  kid text not null,
  public_jwk jsonb not null,
  signed_at timestamptz not null,
  recorded_at timestamptz not null,
  primary key (version_hash, signer_did)
);

-- Signed termination and revocation notices (the first one ends the contract; later ones are kept as evidence).
create table contract_notices (
  contract_id text not null references contracts (id),
  signer_did text not null,
  action text not null check (action in ('terminate', 'revoke')),
  version_hash text not null references contract_versions (hash),
  reason text not null,
  jws text not null,
  kid text not null,
  public_jwk jsonb not null,
  issued_at timestamptz not null,
  recorded_at timestamptz not null,
  primary key (contract_id, signer_did, action)
);

-- What was signed cannot change: a version's document and identity are write-once (its status moves on), and
-- signatures, notices and parties can be neither changed nor deleted.
create function contracts_write_once() returns trigger language plpgsql as $$
begin
  raise exception 'contract records are immutable (% on %)', tg_op, tg_table_name;
end $$;
create function contract_versions_write_once() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and (new.hash, new.contract_id, new.version, new.canonical, new.document, new.previous_hash, new.proposer)
      is not distinct from (old.hash, old.contract_id, old.version, old.canonical, old.document, old.previous_hash, old.proposer) then
    return new;
  end if;
  raise exception 'contract versions are immutable (% of %)', tg_op, old.hash;
end $$;
create trigger contract_versions_write_once before update or delete on contract_versions
  for each row execute function contract_versions_write_once();
create trigger contract_signatures_write_once before update or delete on contract_signatures
  for each row execute function contracts_write_once();
create trigger contract_notices_write_once before update or delete on contract_notices
  for each row execute function contracts_write_once();
create trigger contract_parties_write_once before update or delete on contract_parties
  for each row execute function contracts_write_once();
