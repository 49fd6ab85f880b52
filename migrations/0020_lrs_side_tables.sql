-- Cheaper statement writes (issue 8 performance): the side tables are derived from the statement in the same
-- transaction by the one writer (src/lrs store-statements) and statements are never deleted, so the per-row
-- foreign-key triggers checked nothing the writer does not already guarantee, and each table kept two B-trees
-- where one does: the query index (kind, key, stored, statement_id) is unique as it stands (a statement has one
-- `stored`) and becomes the primary key.
alter table lrs_statement_agents drop constraint lrs_statement_agents_statement_id_fkey;
alter table lrs_statement_agents drop constraint lrs_statement_agents_pkey;
drop index lrs_statement_agents_key;
alter table lrs_statement_agents add primary key (kind, agent_key, stored, statement_id);

alter table lrs_statement_activities drop constraint lrs_statement_activities_statement_id_fkey;
alter table lrs_statement_activities drop constraint lrs_statement_activities_pkey;
drop index lrs_statement_activities_key;
alter table lrs_statement_activities add primary key (kind, activity_id, stored, statement_id);
