import { AppError, type Clock, type FieldError, type IdGenerator } from '../../kernel/index.js';
import { SERVICE_KINDS, toInput, type CatalogResource, type ResourceKind } from '../domain/catalog-resource.js';
import { mergePatch } from '../domain/merge-patch.js';
import { offeringToInput, parseOfferingInput, type Offering, type OfferingContent } from '../domain/offering.js';
import { parseResourceInput } from '../domain/resource-input.parser.js';
import { toDcatCatalog } from '../domain/dcat.mapper.js';
import { offeringEvent, resourceEvent, type CatalogAudit, type CatalogAuditEvent } from './catalog-audit.js';
import type { CatalogStore, SearchQuery, SearchResult } from './catalog.store.js';

/** `datasets` routes see only datasets, `services` routes only the two service kinds. */
export type ResourceGroup = 'datasets' | 'services';
const KINDS: Record<ResourceGroup, readonly ResourceKind[]> = { datasets: ['dataset'], services: SERVICE_KINDS };

const invalid = (errors: FieldError[]) =>
  new AppError('DS_HTTP_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors.map((e) => ({ ...e, path: `/body${e.path}` })));
/** A body whose only fault is its ODRL policy is well-formed JSON with invalid content: 422 DS_POLICY_INVALID. */
const invalidOffering = (errors: FieldError[]) =>
  errors.every((e) => e.path.startsWith('/policy'))
    ? new AppError('DS_POLICY_INVALID', errors.map((e) => `/body${e.path}: ${e.message}`).join('; '), errors.map((e) => ({ ...e, path: `/body${e.path}` })))
    : invalid(errors);
const notFound = (id: string) => new AppError('DS_CATALOG_NOT_FOUND', `no catalog entry ${id}`, [{ path: '/params/id', message: 'not found' }]);
const conflict = (expected: number, actual: number) =>
  new AppError('DS_CATALOG_CONFLICT', `version ${expected} was expected but the entry is at version ${actual}`, [{ path: '/headers/if-match', message: `current version is ${actual}` }]);

/** The version a write expects: If-Match wins over a `version` field in the body. */
function expectedVersion(ifMatch: number | undefined, body: unknown): number | undefined {
  if (ifMatch !== undefined) return ifMatch;
  const v = (body as { version?: unknown } | null)?.version;
  return typeof v === 'number' ? v : undefined;
}

type Tx = Parameters<CatalogAudit['record']>[0];

/** Use cases of the catalog management API. Every write runs in one transaction, together with its audit record. */
export class CatalogService {
  constructor(
    private readonly deps: {
      store: CatalogStore;
      clock: Clock;
      ids: IdGenerator;
      node: { did: string; name: string; publicUrl: string };
      /** JSON-LD -> Turtle, an adapter (it needs an RDF library). */
      toTurtle: (doc: Record<string, unknown>) => Promise<string>;
      /** Records each change in the change's transaction (the node's transparency log); none in tests that omit it. */
      audit?: CatalogAudit;
    },
  ) {}

  async #record(tx: Tx, event: CatalogAuditEvent): Promise<void> {
    if (this.deps.audit) await this.deps.audit.record(tx, event);
  }

  /** The record as stored (what a GET returns), so that its content hash matches what a counterparty reads. */
  async #stored(store: CatalogStore, id: string): Promise<CatalogResource> {
    const r = await store.getResource(id);
    if (!r) throw notFound(id);
    return r;
  }

  search(q: SearchQuery): Promise<SearchResult> {
    return this.deps.store.search(q);
  }

  listOfferings(limit: number, offset: number) {
    return this.deps.store.listOfferings(limit, offset);
  }

  async exportJsonLd(): Promise<Record<string, unknown>> {
    const [resources, offerings] = [await this.deps.store.allResources(), await this.deps.store.allOfferings()];
    return toDcatCatalog(this.deps.node, resources, offerings);
  }

  async exportTurtle(): Promise<string> {
    return this.deps.toTurtle(await this.exportJsonLd());
  }

  #parse(group: ResourceGroup, body: unknown): { kind: ResourceKind; content: ReturnType<typeof parseResourceInput> } {
    let kind: ResourceKind = 'dataset';
    if (group === 'services') {
      const k = (body as { kind?: unknown } | null)?.kind;
      kind = k === undefined ? 'software-service' : (k as ResourceKind);
      if (!SERVICE_KINDS.includes(kind)) return { kind, content: { ok: false, error: [{ path: '/kind', message: 'must be software-service or infrastructure-service' }] } };
    }
    return { kind, content: parseResourceInput(kind, body, () => this.deps.ids.uuid()) };
  }

  async createResource(group: ResourceGroup, body: unknown): Promise<CatalogResource> {
    const { kind, content } = this.#parse(group, body);
    if (!content.ok) throw invalid(content.error);
    const now = this.deps.clock.now();
    const r: CatalogResource = { ...content.value, id: this.deps.ids.uuid(), kind, version: 1, createdAt: now, updatedAt: now };
    return this.deps.store.transaction(async (store, tx) => {
      await store.insertResource(r);
      const stored = await this.#stored(store, r.id);
      await this.#record(tx, resourceEvent('published', stored));
      return stored;
    });
  }

  async getResource(group: ResourceGroup, id: string): Promise<CatalogResource> {
    const r = await this.deps.store.getResource(id);
    if (!r || !KINDS[group].includes(r.kind)) throw notFound(id);
    return r;
  }

  async replaceResource(group: ResourceGroup, id: string, body: unknown, ifMatch?: number): Promise<CatalogResource> {
    return this.#update(group, id, ifMatch, body, () => body);
  }

  async patchResource(group: ResourceGroup, id: string, patch: unknown, ifMatch?: number): Promise<CatalogResource> {
    return this.#update(group, id, ifMatch, patch, (current) => {
      const base = { ...toInput(current.kind, current), ...(group === 'services' ? { kind: current.kind } : {}) };
      const merged = mergePatch(base, patch) as Record<string, unknown>;
      delete merged.version;
      return merged;
    });
  }

  async #update(group: ResourceGroup, id: string, ifMatch: number | undefined, body: unknown, next: (c: CatalogResource) => unknown): Promise<CatalogResource> {
    return this.deps.store.transaction(async (store, tx) => {
      const current = await store.getResource(id);
      if (!current || !KINDS[group].includes(current.kind)) throw notFound(id);
      const expected = expectedVersion(ifMatch, body);
      if (expected !== undefined && expected !== current.version) throw conflict(expected, current.version);
      const { kind, content } = this.#parse(group, next(current));
      if (!content.ok) throw invalid(content.error);
      const r: CatalogResource = { ...content.value, id, kind, version: current.version + 1, createdAt: current.createdAt, updatedAt: this.deps.clock.now() };
      if (!(await store.updateResource(r, current.version))) throw conflict(current.version, current.version + 1);
      const stored = await this.#stored(store, id);
      await this.#record(tx, resourceEvent('updated', stored));
      return stored;
    });
  }

  async deleteResource(group: ResourceGroup, id: string): Promise<void> {
    await this.deps.store.transaction(async (store, tx) => {
      const current = await store.getResource(id);
      if (!current || !KINDS[group].includes(current.kind)) throw notFound(id);
      const users = await store.offeringsUsing(id);
      if (users.length) {
        throw new AppError('DS_CATALOG_IN_USE', `${id} is bundled by offering(s) ${users.join(', ')}; delete or change them first`, [{ path: '/params/id', message: 'referenced by an offering' }]);
      }
      await store.deleteResource(id);
      await this.#record(tx, resourceEvent('deleted', current));
    });
  }

  async createOffering(body: unknown): Promise<Offering> {
    const content = parseOfferingInput(body);
    if (!content.ok) throw invalidOffering(content.error);
    return this.deps.store.transaction(async (store, tx) => {
      await this.#checkReferences(store, content.value);
      const now = this.deps.clock.now();
      const o: Offering = { ...content.value, id: this.deps.ids.uuid(), version: 1, createdAt: now, updatedAt: now };
      await store.insertOffering(o);
      const stored = (await store.getOffering(o.id)) ?? o;
      await this.#record(tx, offeringEvent('published', stored));
      return stored;
    });
  }

  async getOffering(id: string): Promise<Offering> {
    const o = await this.deps.store.getOffering(id);
    if (!o) throw notFound(id);
    return o;
  }

  async updateOffering(id: string, body: unknown, mode: 'replace' | 'merge', ifMatch?: number): Promise<Offering> {
    return this.deps.store.transaction(async (store, tx) => {
      const current = await store.getOffering(id);
      if (!current) throw notFound(id);
      const expected = expectedVersion(ifMatch, body);
      if (expected !== undefined && expected !== current.version) throw conflict(expected, current.version);
      let input = body;
      if (mode === 'merge') {
        // Arrays replace as a whole under merge patch, which is what an operator expects for dataset lists.
        const merged = mergePatch(offeringToInput(current), body) as Record<string, unknown>;
        delete merged.version;
        input = merged;
      }
      const content = parseOfferingInput(input);
      if (!content.ok) throw invalidOffering(content.error);
      await this.#checkReferences(store, content.value);
      const o: Offering = { ...content.value, id, version: current.version + 1, createdAt: current.createdAt, updatedAt: this.deps.clock.now() };
      if (!(await store.updateOffering(o, current.version))) throw conflict(current.version, current.version + 1);
      const stored = (await store.getOffering(id)) ?? o;
      await this.#record(tx, offeringEvent('updated', stored));
      return stored;
    });
  }

  async deleteOffering(id: string): Promise<void> {
    await this.deps.store.transaction(async (store, tx) => {
      const current = await store.getOffering(id);
      if (!current || !(await store.deleteOffering(id))) throw notFound(id);
      await this.#record(tx, offeringEvent('withdrawn', current));
    });
  }

  async #checkReferences(store: CatalogStore, o: OfferingContent): Promise<void> {
    const errors: FieldError[] = [];
    for (const [field, kinds] of [['datasets', KINDS.datasets], ['services', KINDS.services]] as const) {
      const ids = o[field];
      const found = await store.existingIds(ids, kinds);
      ids.forEach((id, i) => {
        if (!found.has(id)) errors.push({ path: `/body/${field}/${i}`, message: `no ${field === 'datasets' ? 'dataset' : 'service'} ${id}` });
      });
    }
    if (errors.length) throw new AppError('DS_CATALOG_REFERENCE_NOT_FOUND', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
}
