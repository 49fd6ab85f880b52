import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type Clock, type FieldError, type IdGenerator } from '../../kernel/index.js';
import { verifySignedStatement } from '../adapters/jws-statement.verifier.js';
import { SIGNATURE_USAGE } from '../domain/attachment.validator.js';
import { matchAttachments, type AttachmentPart } from '../domain/attachment.parts.js';
import type { Part } from '../domain/multipart.js';
import { activitiesOf, indexStatement, prepareStatement, sameStatement } from '../domain/statement.prepare.js';
import { validateStatement } from '../domain/statement.validator.js';
import { isObject, type Json, type XapiVersion } from '../domain/xapi-primitives.js';
import type { NewStatement, RecordActivityDefinitions, StatementStore } from './ports.js';

export interface StoreInput {
  statements: unknown[];
  /** JSON pointer of statement i in the request (`/body` for a single statement, `/body/3` in a batch). */
  pathOf: (i: number) => string;
  version: XapiVersion;
  authority: Json;
  /** PUT ?statementId=…: the id the statement must have. */
  putId?: string | undefined;
  /** The attachment parts of a multipart/mixed request (empty for application/json). */
  parts: Part[];
}

export interface StoreDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  store: StatementStore;
  recordActivityDefinitions?: RecordActivityDefinitions | undefined;
}

/** A request that passed every check that needs no database: what the writer stores (statement-writer.ts). */
export interface CheckedRequest {
  raws: Json[];
  pathOf: (i: number) => string;
  version: XapiVersion;
  authority: Json;
  parts: Map<string, AttachmentPart>;
}

/**
 * The checks of one request before any transaction (xAPI 1.0.3 Communication §2.1.1–2.1.2): statement validation,
 * the PUT id, attachment parts and their hashes, signatures, ids repeated within the request.
 */
export async function checkRequest(input: StoreInput): Promise<CheckedRequest> {
  const { statements, pathOf, version } = input;
  const errors: FieldError[] = statements.flatMap((s, i) => validateStatement(s, pathOf(i), version));
  if (errors.length) throw new AppError('DS_LRS_INVALID_STATEMENT', summary(errors), errors);
  const raws = statements as Json[];
  if (input.putId !== undefined) {
    const raw = raws[0] as Json;
    if (raw.id !== undefined && String(raw.id).toLowerCase() !== input.putId) throw new AppError('DS_LRS_INVALID_STATEMENT', 'the statement id differs from the statementId parameter', [{ path: `${pathOf(0)}/id`, message: 'must equal the statementId parameter' }]);
    raw.id = input.putId;
  }
  const matched = matchAttachments(raws, input.parts, version, pathOf);
  if (matched.errors.length) throw new AppError('DS_LRS_ATTACHMENT_INVALID', summary(matched.errors), matched.errors);
  const parts = matched.byHash;
  await checkSignatures(raws, parts, pathOf);
  const seen = new Map<string, number>();
  raws.forEach((s, i) => {
    if (typeof s.id !== 'string') return;
    const id = s.id.toLowerCase();
    if (seen.has(id)) errors.push({ path: `${pathOf(i)}/id`, message: `repeats the id of statement ${seen.get(id)}` });
    seen.set(id, i);
  });
  if (errors.length) throw new AppError('DS_LRS_INVALID_STATEMENT', summary(errors), errors);
  return { raws, pathOf, version, authority: input.authority, parts };
}

/** The ids a request names itself (lower-cased); the others are generated at write time. */
export const namedIds = (r: CheckedRequest): string[] => r.raws.flatMap((s) => (typeof s.id === 'string' ? [s.id.toLowerCase()] : []));

/** One statement of a write: where it came from (for error paths) and what is stored. */
interface Item { raw: Json; path: string; row: NewStatement; parts: Map<string, AttachmentPart> }

/**
 * Stores requests in one transaction, each all or nothing and together as if written one after the other; they
 * share one `stored` time. Throws the first request's error, so a caller writing several requests retries them
 * one by one to give each its own answer. Inside: id conflicts (same id and content: nothing to do; other
 * content: 409), voiding rules (XAPI-00016..00018), inserts with index rows, voided flags, canonical activity
 * definitions. Answers the statement ids of each request.
 */
export async function writeRequests(deps: StoreDeps, requests: CheckedRequest[], stored = deps.clock.now()): Promise<string[][]> {
  const items: Item[] = [];
  const ids = requests.map((r) => r.raws.map((raw, i) => {
    const statement = prepareStatement(raw, { id: deps.ids.uuid(), stored, authority: r.authority, version: r.version === '2.0.0' ? '2.0.0' : '1.0.0' });
    items.push({ raw, path: r.pathOf(i), parts: r.parts, row: { statement, stored, index: indexStatement(statement), attachmentHashes: hashesWithBytes(raw, r.parts) } });
    return statement.id;
  }));

  await deps.db.transaction().execute(async (tx) => {
    const existing = await deps.store.getMany(tx, items.map((x) => x.row.statement.id));
    const fresh = items.filter((x) => {
      const old = existing.get(x.row.statement.id);
      if (!old) return true;
      if (!sameStatement(old.statement, x.raw)) throw conflict(x.row.statement.id, x.path);
      return false;
    });
    await checkVoiding(deps, tx, fresh);
    const inserted = await deps.store.insert(tx, fresh.map((x) => x.row));
    // A concurrent writer stored some of these ids first: the same content is fine, other content conflicts.
    const raced = fresh.filter((x) => !inserted.has(x.row.statement.id));
    if (raced.length) {
      const now = await deps.store.getMany(tx, raced.map((x) => x.row.statement.id));
      for (const x of raced) {
        const old = now.get(x.row.statement.id);
        if (old && !sameStatement(old.statement, x.raw)) throw conflict(x.row.statement.id, x.path);
      }
    }
    const added = fresh.filter((x) => inserted.has(x.row.statement.id)).map((x) => x.row);
    await deps.store.markVoided(tx, added.filter((r) => r.index.isVoiding && r.index.refId).map((r) => r.index.refId as string));
    await deps.store.markVoided(tx, await deps.store.targetedByVoiding(tx, added.filter((r) => !r.index.isVoiding).map((r) => r.statement.id)));
    const bytes = new Map<string, AttachmentPart>();
    for (const x of fresh) for (const h of inserted.has(x.row.statement.id) ? x.row.attachmentHashes : []) { const p = x.parts.get(h); if (p) bytes.set(h, p); }
    await deps.store.putAttachments(tx, [...bytes.values()], stored);
    if (deps.recordActivityDefinitions && added.length) await deps.recordActivityDefinitions(tx, added.flatMap((r) => activitiesOf(r.statement)));
  });
  return ids;
}

const summary = (errors: FieldError[]) => errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ');

const conflict = (id: string, path: string) =>
  new AppError('DS_LRS_STATEMENT_CONFLICT', `statement ${id} is already stored with other content`, [{ path: `${path}/id`, message: 'already stored with other content' }]);

/** Attachment hashes whose bytes came in this request (the others are fileUrl references). */
function hashesWithBytes(raw: Json, parts: Map<string, AttachmentPart>): string[] {
  const list = Array.isArray(raw.attachments) ? raw.attachments : [];
  return [...new Set(list.filter(isObject).map((a) => String(a.sha2).toLowerCase()).filter((h) => parts.has(h)))];
}

async function checkSignatures(raws: Json[], parts: Map<string, AttachmentPart>, pathOf: (i: number) => string): Promise<void> {
  const errors: FieldError[] = [];
  for (const [i, raw] of raws.entries()) {
    const list = Array.isArray(raw.attachments) ? raw.attachments : [];
    for (const [j, a] of list.entries()) {
      if (!isObject(a) || a.usageType !== SIGNATURE_USAGE) continue;
      const part = parts.get(String(a.sha2).toLowerCase());
      if (!part) continue; // matchAttachments already refused the missing part
      errors.push(...(await verifySignedStatement(raw, part.content.toString('utf8'), `${pathOf(i)}/attachments/${j}`)));
    }
  }
  if (errors.length) throw new AppError('DS_LRS_SIGNATURE_INVALID', summary(errors), errors);
}

/** XAPI-00016: a voiding statement cannot target a voiding statement (stored or in this very write). */
async function checkVoiding(deps: StoreDeps, tx: Kysely<DB>, fresh: Item[]): Promise<void> {
  const voiding = fresh.filter((x) => x.row.index.isVoiding && x.row.index.refId);
  if (voiding.length === 0) return;
  const inBatch = new Map(fresh.map((x) => [x.row.statement.id, x.row.index.isVoiding]));
  const targets = await deps.store.getMany(tx, voiding.map((x) => x.row.index.refId as string));
  for (const x of voiding) {
    const ref = x.row.index.refId as string;
    if (targets.get(ref)?.isVoiding || inBatch.get(ref) === true) {
      throw new AppError('DS_LRS_VOIDING_INVALID', `statement ${ref} is itself a voiding statement`, [{ path: `${x.path}/object/id`, message: 'targets a voiding statement' }]);
    }
  }
}
