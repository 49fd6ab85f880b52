-- The right edge of the log's tree (one complete-subtree hash per set bit of size, highest level first) kept in the
-- state row beside the size and root it belongs to. An append then reads everything it needs in the one statement
-- that also locks that row until its commit (SELECT ... FOR UPDATE), instead of an advisory lock and a second read
-- of the edge nodes. The column is derived from ledger_nodes, which stay the record; `dases log verify` checks it.
alter table ledger_state add column frontier bytea;
update ledger_state s set frontier = coalesce((
  select string_agg(n.hash, ''::bytea order by l.level desc)
  from generate_series(0, 62) as l(level)
  join ledger_nodes n on n.level = l.level and n.idx = (s.size >> l.level) - 1
  where ((s.size >> l.level) & 1::int8) = 1
), ''::bytea);
alter table ledger_state alter column frontier set not null;
alter table ledger_state add constraint ledger_state_frontier_hashes check (length(frontier) % 32 = 0);
