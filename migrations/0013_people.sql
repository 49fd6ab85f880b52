-- People (src/people): accounts at a personal-data intermediary, their sessions, failed sign-in attempts, and
-- the links between a person and their pseudonymous identifiers at participants. Plus, on any node, the links
-- this node confirmed at intermediaries for its own subjects.
create table people (
  id text primary key,
  login text not null,
  -- NFKC lower case of the login: logins are unique case-insensitively.
  login_key text not null unique,
  name text,
  language text not null check (language in ('fr', 'en')),
  -- PHC string `$scrypt$ln=..,r=..,p=..$salt$hash`: the parameters travel with the hash so they can be raised later.
  password_hash text not null,
  created_at timestamptz not null
);

-- Only the SHA-256 of a session token is kept: a database leak reveals no usable session.
create table people_sessions (
  id text primary key,
  person_id text not null references people (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index people_sessions_person on people_sessions (person_id);

-- Sign-in attempts for rate limiting, shared by every process on the database. Login and client address are
-- kept as SHA-256 hashes only (a mistyped password in the login field must not be stored). 'pending' rows count
-- while the password is being checked so that parallel guesses cannot slip past the limit.
create table people_sign_in_attempts (
  seq bigserial primary key,
  login_hash text not null,
  ip_hash text not null,
  outcome text not null check (outcome in ('pending', 'failed')),
  at timestamptz not null
);
create index people_sign_in_attempts_login on people_sign_in_attempts (login_hash, at);
create index people_sign_in_attempts_ip on people_sign_in_attempts (ip_hash, at);
create index people_sign_in_attempts_at on people_sign_in_attempts (at);

-- Intermediary side: a person's link with a participant. Opened with a one-time code (stored hashed, single use,
-- short-lived); the participant confirms it with the person's subject id there.
create table people_links (
  id text primary key,
  person_id text not null references people (id) on delete cascade,
  participant_did text not null,
  status text not null check (status in ('pending', 'confirmed', 'revoked')),
  code_hash text unique,
  code_expires_at timestamptz,
  subject_id text,
  created_at timestamptz not null,
  confirmed_at timestamptz,
  revoked_at timestamptz
);
create index people_links_person on people_links (person_id, created_at);
-- One person per subject id at a participant, and one subject id per person at a participant.
create unique index people_links_subject on people_links (participant_did, subject_id) where status = 'confirmed';
create unique index people_links_person_participant on people_links (person_id, participant_did) where status = 'confirmed';

-- Participant side (any node): links this node confirmed at an intermediary for one of its own subjects.
create table intermediary_links (
  id text primary key,
  intermediary_did text not null,
  subject_id text not null,
  link_id text not null,
  confirmed_at timestamptz not null,
  unique (intermediary_did, link_id)
);
create index intermediary_links_subject on intermediary_links (intermediary_did, subject_id);
