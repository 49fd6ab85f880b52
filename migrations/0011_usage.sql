-- Usage counters of agreements (src/usage): one use = one accepted transfer request. The provider's enforcement
-- point reads `uses`, decides, and moves it on with a compare-and-set (`where uses = <read>`), so concurrent
-- requests never consume more uses than a `count` constraint allows.
create table usage_counters (
  agreement_id text primary key,
  uses integer not null default 0 check (uses >= 0),
  updated_at timestamptz not null
);
