import { createHash } from 'node:crypto';
import { AppError, err, ok, type Result } from '../../kernel/index.js';

/**
 * xAPI document resources (xAPI 1.0.3 Communication §2.2–2.7, §3.1; IEEE 9274.1.1 §4.1.4, §4.1.6.2/5/6): State,
 * Activity Profile and Agent Profile documents are opaque bytes with a content type, addressed by a key, versioned
 * by an ETag (the SHA-1 of the bytes) and guarded by If-Match / If-None-Match. This module decides what a write or
 * delete does to the stored document; the store applies the decision inside one transaction.
 */
export type DocumentKind = 'state' | 'activity_profile' | 'agent_profile';

/** Where a document lives. Parts that do not apply to a kind are '' (an Activity Profile has no agent). */
export interface DocumentScope {
  kind: DocumentKind;
  activityId: string;
  agentKey: string;
}

export interface DocumentKey extends DocumentScope {
  /** '' when the state document has no registration. */
  registration: string;
  docId: string;
}

export interface StoredDocument {
  contentType: string;
  content: Uint8Array;
  /** Lower-case hex SHA-1 of `content`, unquoted. */
  etag: string;
  updated: Date;
}

export interface IncomingDocument {
  contentType: string;
  content: Uint8Array;
}

/** The request's conditional headers, as sent (quoted ETags, lists, `*`). */
export interface Preconditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

export interface WriteRules {
  /**
   * A PUT over an existing document without If-Match / If-None-Match is refused with 409: always for the profile
   * resources; for State only under xAPI 2.0 (1.0.3 §3.1.s3 exempts State, 9274.1.1 §4.1.4 does not).
   */
  requirePreconditionOnPut: boolean;
}

export const etagOf = (content: Uint8Array): string => createHash('sha1').update(content).digest('hex');

/** `application/json`, with or without parameters such as `; charset=utf-8`. */
export const isJsonType = (contentType: string): boolean => contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(content: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content)) };
  } catch {
    return { ok: false };
  }
}

/** The ETags of an If-Match / If-None-Match list, unquoted and without the weak prefix; `*` stays `*`. */
export function entityTags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1').toLowerCase())
    .filter((t) => t !== '');
}

/**
 * RFC 7232 §3.1–3.2 for state-changing requests: If-Match holds when the document exists and (for `*`) or its ETag
 * is listed; If-None-Match holds when the document does not exist (`*`) or its ETag is not listed.
 */
export function checkPreconditions(existing: StoredDocument | undefined, pre: Preconditions): Result<void> {
  if (pre.ifMatch !== undefined) {
    const tags = entityTags(pre.ifMatch);
    const holds = existing !== undefined && (tags.includes('*') || tags.includes(existing.etag));
    if (!holds) {
      const why = existing ? `the stored document's ETag is "${existing.etag}"` : 'no such document is stored';
      return err(new AppError('DS_LRS_DOCUMENT_PRECONDITION', `If-Match does not hold: ${why}`, [{ path: '/headers/if-match', message: why }]));
    }
  }
  if (pre.ifNoneMatch !== undefined && existing !== undefined) {
    const tags = entityTags(pre.ifNoneMatch);
    if (tags.includes('*') || tags.includes(existing.etag)) {
      return err(new AppError('DS_LRS_DOCUMENT_PRECONDITION', 'If-None-Match does not hold: the document exists', [{ path: '/headers/if-none-match', message: 'the document exists' }]));
    }
  }
  return ok(undefined);
}

/** Refuses an application/json body that does not parse: every later merge needs it to. */
function checkIncoming(incoming: IncomingDocument): Result<void> {
  if (isJsonType(incoming.contentType) && !parseJson(incoming.content).ok) {
    return err(new AppError('DS_LRS_DOCUMENT_INVALID_JSON', 'the body is declared application/json but does not parse', [{ path: '/body', message: 'invalid JSON' }]));
  }
  return ok(undefined);
}

/**
 * What a PUT or POST stores. PUT replaces. POST creates like PUT when nothing is stored; otherwise both documents
 * must be application/json objects and the posted object's top-level properties overwrite the stored ones
 * (Communication §2.2.s7: one level deep, whole values replaced), else 400 and nothing changes.
 */
export function decideWrite(method: 'PUT' | 'POST', existing: StoredDocument | undefined, incoming: IncomingDocument, pre: Preconditions, rules: WriteRules, now: Date): Result<StoredDocument> {
  const body = checkIncoming(incoming);
  if (!body.ok) return body;
  const cond = checkPreconditions(existing, pre);
  if (!cond.ok) return cond;
  if (method === 'PUT' && existing && pre.ifMatch === undefined && pre.ifNoneMatch === undefined && rules.requirePreconditionOnPut) {
    return err(
      new AppError('DS_LRS_DOCUMENT_CONFLICT', 'a document is already stored here: GET it to check its current state, then PUT again with If-Match set to its ETag', [
        { path: '/headers/if-match', message: 'required to overwrite an existing document' },
      ]),
    );
  }
  if (method === 'PUT' || !existing) return ok(stored(incoming, now));
  return merge(existing, incoming, now);
}

function merge(existing: StoredDocument, incoming: IncomingDocument, now: Date): Result<StoredDocument> {
  const refuse = (path: string, message: string) => err(new AppError('DS_LRS_DOCUMENT_MERGE', message, [{ path, message }]));
  if (!isJsonType(existing.contentType)) return refuse('/body', `the stored document is ${existing.contentType}, not application/json: PUT to replace it`);
  if (!isJsonType(incoming.contentType)) return refuse('/headers/content-type', 'only an application/json document can be merged into the stored one');
  const old = parseJson(existing.content);
  const posted = parseJson(incoming.content);
  if (!old.ok || !isObject(old.value)) return refuse('/body', 'the stored document is not a JSON object: PUT to replace it');
  if (!posted.ok || !isObject(posted.value)) return refuse('/body', 'a merge needs a JSON object');
  const merged = { ...old.value, ...posted.value };
  return ok(stored({ contentType: 'application/json', content: new TextEncoder().encode(JSON.stringify(merged)) }, now));
}

function stored(doc: IncomingDocument, now: Date): StoredDocument {
  return { contentType: doc.contentType, content: doc.content, etag: etagOf(doc.content), updated: now };
}

/** A single-document DELETE: only its preconditions can refuse it (deleting nothing is not an error). */
export const decideDelete = (existing: StoredDocument | undefined, pre: Preconditions): Result<void> => checkPreconditions(existing, pre);
