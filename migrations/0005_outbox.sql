-- The outbox of inter-node messages: written in the transaction that decides to send them, delivered right
-- after commit and retried with back-off until delivered or given up, by whichever process sharing the
-- database holds the row's lease. Messages with the same key are delivered one at a time, in order.
create table outbox (
  seq int8 generated always as identity primary key,
  id text not null unique,
  topic text not null,
  url text not null,
  audience text not null,
  body jsonb not null,
  key text,
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  lease_holder text,
  lease_until timestamptz,
  last_error text,
  -- Set once delivery has an outcome, so only the outcome handler is retried if it failed.
  outcome jsonb,
  created_at timestamptz not null
);
create index outbox_due on outbox (next_attempt_at);
create index outbox_key on outbox (key, seq) where key is not null;
