-- Ecosystems (use cases) and their rulebooks: the ones this node orchestrates, and those at other orchestrators it
-- was invited to or asked to join (their rulebook versions kept as received: the evidence of what it signed).
create table rulebook_ecosystems (
  id text primary key,
  orchestrator_did text not null,
  title text not null,
  current_version int not null check (current_version >= 1),
  current_hash text not null,
  contract_id text,
  contract_hash text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index rulebook_ecosystems_orchestrator on rulebook_ecosystems (orchestrator_did, created_at);

-- Every version of a rulebook, immutable, addressed by the SHA-256 of its canonical JSON.
create table rulebook_versions (
  ecosystem_id text not null references rulebook_ecosystems (id) on delete cascade,
  version int not null check (version >= 1),
  hash text not null,
  document jsonb not null,
  published_at timestamptz not null,
  primary key (ecosystem_id, version)
);

-- Members of the ecosystems this node orchestrates (itself included) and the version each last accepted, with
-- the signature (compact JWS by the member's DID key) that accepted it.
create table rulebook_members (
  ecosystem_id text not null references rulebook_ecosystems (id) on delete cascade,
  member_did text not null,
  role text not null,
  status text not null check (status in ('active', 'left')),
  accepted_version int not null,
  accepted_hash text not null,
  signature text not null,
  joined_at timestamptz not null,
  accepted_at timestamptz not null,
  left_at timestamptz,
  left_reason text,
  primary key (ecosystem_id, member_did)
);

-- Invitations this node sent as orchestrator.
create table rulebook_invitations (
  id text primary key,
  ecosystem_id text not null references rulebook_ecosystems (id) on delete cascade,
  participant_did text not null,
  role text not null,
  status text not null check (status in ('pending', 'accepted', 'undeliverable')),
  delivered boolean not null default false,
  last_error text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index rulebook_invitations_ecosystem on rulebook_invitations (ecosystem_id, created_at);
create unique index rulebook_invitations_one_pending on rulebook_invitations (ecosystem_id, participant_did) where status = 'pending';

-- Requests to join received as orchestrator, each with the requester's signed acceptance of the version it read.
create table rulebook_join_requests (
  id text primary key,
  ecosystem_id text not null references rulebook_ecosystems (id) on delete cascade,
  participant_did text not null,
  role text not null,
  message text,
  version int not null,
  hash text not null,
  signature text not null,
  status text not null check (status in ('pending', 'approved', 'refused')),
  reason text,
  created_at timestamptz not null,
  decided_at timestamptz
);
create index rulebook_join_requests_ecosystem on rulebook_join_requests (ecosystem_id, created_at);
create unique index rulebook_join_requests_one_pending on rulebook_join_requests (ecosystem_id, participant_did) where status = 'pending';

-- This node's own membership in each ecosystem orchestrated elsewhere.
create table rulebook_memberships (
  ecosystem_id text primary key references rulebook_ecosystems (id) on delete cascade,
  role text not null,
  status text not null check (status in ('invited', 'requested', 'accepting', 'active', 'refused', 'left')),
  invitation_id text,
  request_id text,
  signed_version int,
  accepted_version int,
  last_error text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
