import { Type } from '@sinclair/typebox';
import { AppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { SignedTreeHead } from '../app/heads.js';
import type { EntryFilter } from '../app/ledger.store.js';
import type { VerifyReport } from '../app/verify.js';
import { isRegisteredType } from '../domain/entry-types.js';
import type { LogEntry } from '../domain/log-entry.js';
import type { Receipt } from '../domain/receipt.js';
import type { Hash } from '../domain/merkle-tree.js';
import * as S from './ledger.schemas.js';

export interface LedgerHttpPort {
  latestHead(): Promise<SignedTreeHead>;
  entries(filter: EntryFilter): Promise<LogEntry[]>;
  inclusionProof(index: number, size?: number): Promise<{ index: number; size: number; leafHash: Hash; auditPath: Hash[] }>;
  consistencyProof(from: number, to: number): Promise<{ from: number; to: number; proof: Hash[] }>;
  receipt(index: number): Promise<Receipt>;
  verify(): Promise<VerifyReport>;
}

const b64 = (h: Hash) => Buffer.from(h).toString('base64');
const read = { auth: { management: 'read' as const } };

/** The transparency log's management routes, and the public tree head CT logs publish openly. */
export function ledgerRoutes(log: LedgerHttpPort) {
  return async (app: App) => {
    app.get('/api/v1/log/head', { config: read, schema: { tags: S.tags, summary: 'The signed tree head of the current size', response: { 200: S.HeadSchema } } }, async () => log.latestHead());

    app.get(
      '/.well-known/dases-log-head',
      { config: { auth: 'public' }, schema: { tags: S.tags, summary: 'The latest signed tree head, as a compact JWS (application/jose)', response: { 200: Type.String() } } },
      async (_req, reply) => reply.type('application/jose').send((await log.latestHead()).head),
    );

    app.get('/api/v1/log/entries', { config: read, schema: { tags: S.tags, summary: 'Entries in index order, filtered and paged', querystring: S.EntriesQuery, response: { 200: S.EntriesPage } } }, async (req) => {
      const q = req.query;
      if (q.type !== undefined && !isRegisteredType(q.type)) {
        throw new AppError('DS_LEDGER_UNKNOWN_TYPE', `/querystring/type: unknown entry type "${q.type}"`, [{ path: '/querystring/type', message: 'unknown entry type' }]);
      }
      if (q.start !== undefined && q.end !== undefined && q.end < q.start) throw new AppError('DS_HTTP_VALIDATION', '/querystring/end: must not be below start', [{ path: '/querystring/end', message: 'must not be below start' }]);
      if (q.from !== undefined && q.to !== undefined && Date.parse(q.to) < Date.parse(q.from)) throw new AppError('DS_HTTP_VALIDATION', '/querystring/to: must not be before from', [{ path: '/querystring/to', message: 'must not be before from' }]);
      const filter: EntryFilter = { limit: q.limit };
      if (q.start !== undefined) filter.start = q.start;
      if (q.end !== undefined) filter.end = q.end;
      if (q.type !== undefined) filter.type = q.type;
      if (q.subject !== undefined) filter.subject = q.subject;
      if (q.actor !== undefined) filter.actor = q.actor;
      if (q.from !== undefined) filter.from = new Date(q.from);
      if (q.to !== undefined) filter.to = new Date(q.to);
      const entries = await log.entries(filter);
      const last = entries[entries.length - 1];
      return entries.length === q.limit && last ? { entries, next: last.index + 1 } : { entries };
    });

    app.get('/api/v1/log/proofs/inclusion', { config: read, schema: { tags: S.tags, summary: 'Inclusion proof of an entry in the tree of a given size', querystring: S.InclusionQuery, response: { 200: S.InclusionProof } } }, async (req) => {
      const p = await log.inclusionProof(req.query.index, req.query.size);
      return { index: p.index, size: p.size, leafHash: b64(p.leafHash), auditPath: p.auditPath.map(b64) };
    });

    app.get('/api/v1/log/proofs/consistency', { config: read, schema: { tags: S.tags, summary: 'Consistency proof between two tree sizes', querystring: S.ConsistencyQuery, response: { 200: S.ConsistencyProof } } }, async (req) => {
      const p = await log.consistencyProof(req.query.from, req.query.to);
      return { from: p.from, to: p.to, proof: p.proof.map(b64) };
    });

    app.get(
      '/api/v1/log/receipts/:index',
      { config: read, schema: { tags: S.tags, summary: 'A receipt (entry, signed tree head, inclusion proof, signing key) to keep and verify offline', params: Type.Object({ index: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) }), response: { 200: S.ReceiptSchema } } },
      async (req) => log.receipt(req.params.index),
    );

    app.get(
      '/api/v1/log/verify',
      { config: { auth: { management: 'admin' } }, schema: { tags: S.tags, summary: 'Recompute the whole tree from storage and check every stored head (200 with ok:false on mismatch)', response: { 200: S.VerifyReportSchema } } },
      async () => log.verify(),
    );
  };
}
