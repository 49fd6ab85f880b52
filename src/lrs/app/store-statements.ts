import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type Clock, type FieldError, type IdGenerator } from '../../kernel/index.js';
import { verifySignedStatement } from '../adapters/jws-statement.verifier.js';
import { SIGNATURE_USAGE } from '../domain/attachment.validator.js';
import { matchAttachments, type AttachmentPart } from '../domain/attachment.parts.js';
import type { Part } from '../domain/multipart.js';
import { activitiesOf, indexStatement, prepareStatement, sameStatement, type Statement } from '../domain/statement.prepare.js';
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

/**
 * Stores one request's statements all or nothing (xAPI 1.0.3 Communication §2.1.1–2.1.2): validation first,
 * then in one transaction: id conflicts (same id and content: nothing to do; other content: 409), voiding rules
 * (XAPI-00016..00018), inserts with index rows, voided flags, canonical activity definitions.
 */
export async function storeStatements(deps: StoreDeps, input: StoreInput): Promise<string[]> {
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

  const stored = deps.clock.now();
  const authority = input.authority;
  const defaultVersion = version === '2.0.0' ? '2.0.0' : '1.0.0';
  const prepared = raws.map((raw) => prepareStatement(raw, { id: deps.ids.uuid(), stored, authority, version: defaultVersion }));
  const rows: NewStatement[] = prepared.map((statement, i) => ({
    statement,
    stored,
    index: indexStatement(statement),
    attachmentHashes: hashesWithBytes(raws[i] as Json, parts),
  }));

  await deps.db.transaction().execute(async (tx) => {
    const existing = await deps.store.getMany(tx, prepared.map((s) => s.id));
    const fresh = rows.filter((r, i) => {
      const old = existing.get(r.statement.id);
      if (!old) return true;
      if (!sameStatement(old.statement, raws[i] as Json)) throw conflict(r.statement.id, pathOf(i));
      return false;
    });
    await checkVoiding(deps, tx, fresh, prepared, pathOf);
    const inserted = await deps.store.insert(tx, fresh);
    // A concurrent request stored some of these ids first: the same content is fine, other content conflicts.
    const raced = fresh.filter((r) => !inserted.has(r.statement.id));
    if (raced.length) {
      const now = await deps.store.getMany(tx, raced.map((r) => r.statement.id));
      for (const r of raced) {
        const i = prepared.indexOf(r.statement);
        const old = now.get(r.statement.id);
        if (old && !sameStatement(old.statement, raws[i] as Json)) throw conflict(r.statement.id, pathOf(i));
      }
    }
    const added = fresh.filter((r) => inserted.has(r.statement.id));
    await deps.store.markVoided(tx, added.filter((r) => r.index.isVoiding && r.index.refId).map((r) => r.index.refId as string));
    await deps.store.markVoided(tx, await deps.store.targetedByVoiding(tx, added.filter((r) => !r.index.isVoiding).map((r) => r.statement.id)));
    const bytes = [...new Set(added.flatMap((r) => r.attachmentHashes))].map((h) => parts.get(h)).filter((p): p is AttachmentPart => p !== undefined);
    await deps.store.putAttachments(tx, bytes, stored);
    if (deps.recordActivityDefinitions && added.length) await deps.recordActivityDefinitions(tx, added.flatMap((r) => activitiesOf(r.statement)));
  });
  return prepared.map((s) => s.id);
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

/** XAPI-00016: a voiding statement cannot target a voiding statement (stored or in this very batch). */
async function checkVoiding(deps: StoreDeps, tx: Kysely<DB>, fresh: NewStatement[], prepared: Statement[], pathOf: (i: number) => string): Promise<void> {
  const voiding = fresh.filter((r) => r.index.isVoiding && r.index.refId);
  if (voiding.length === 0) return;
  const inBatch = new Map(fresh.map((r) => [r.statement.id, r.index.isVoiding]));
  const targets = await deps.store.getMany(tx, voiding.map((r) => r.index.refId as string));
  for (const r of voiding) {
    const ref = r.index.refId as string;
    if (targets.get(ref)?.isVoiding || inBatch.get(ref) === true) {
      throw new AppError('DS_LRS_VOIDING_INVALID', `statement ${ref} is itself a voiding statement`, [{ path: `${pathOf(prepared.indexOf(r.statement))}/object/id`, message: 'targets a voiding statement' }]);
    }
  }
}
