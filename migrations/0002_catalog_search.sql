-- Catalog search at scale (100,000+ entries): one full-text column instead of two, orderings that do not
-- depend on the kind, and a maintained "offered" flag so the DSP catalog pages over one partial index.
-- Written for both PostgreSQL 15 (Debian) and PGlite (PostgreSQL 18): keep to SQL both accept.

-- English lexemes carry weight A and French ones weight B, so one GIN index answers both languages, and a query
-- restricted to one language asks for that weight (the index then rechecks against the row). Rank weights both
-- equally (see sql-catalog.search.ts).
alter table catalog_resources drop column fts_en, drop column fts_fr;
alter table catalog_resources add column fts tsvector generated always as (
  setweight(to_tsvector('english'::regconfig, search_text), 'A') || setweight(to_tsvector('french'::regconfig, search_text), 'B')
) stored;
create index catalog_resources_fts on catalog_resources using gin (fts);

-- Searches across kinds are ordered without a kind prefix.
create index catalog_resources_created on catalog_resources (created_at, id);
create index catalog_resources_title on catalog_resources (sort_title, id);
create index catalog_resources_updated on catalog_resources (updated_at, id);

-- True while at least one offering bundles the resource. Kept by statement triggers on offering_resources
-- (cascading deletes of offerings included), so no writer can forget it.
alter table catalog_resources add column offered boolean not null default false;
update catalog_resources r set offered = true where exists (select 1 from offering_resources o where o.resource_id = r.id);
create index catalog_resources_offered_datasets on catalog_resources (created_at, id) where kind = 'dataset' and offered;

create function catalog_resources_sync_offered(ids uuid[]) returns void language sql as $$
  update catalog_resources r set offered = e.offered
  from (select i.id, exists (select 1 from offering_resources o where o.resource_id = i.id) as offered from unnest(ids) as i(id)) e
  where r.id = e.id and r.offered <> e.offered;
$$;
create function offering_resources_added() returns trigger language plpgsql as $$
begin
  perform catalog_resources_sync_offered(array(select distinct resource_id from added));
  return null;
end $$;
create function offering_resources_removed() returns trigger language plpgsql as $$
begin
  perform catalog_resources_sync_offered(array(select distinct resource_id from removed));
  return null;
end $$;
create function offering_resources_changed() returns trigger language plpgsql as $$
begin
  perform catalog_resources_sync_offered(array(select resource_id from removed union select resource_id from added));
  return null;
end $$;
create trigger offering_resources_insert after insert on offering_resources
  referencing new table as added for each statement execute function offering_resources_added();
create trigger offering_resources_delete after delete on offering_resources
  referencing old table as removed for each statement execute function offering_resources_removed();
create trigger offering_resources_update after update on offering_resources
  referencing old table as removed new table as added for each statement execute function offering_resources_changed();
