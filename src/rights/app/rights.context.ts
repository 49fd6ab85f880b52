import { AppError, type Clock, type IdGenerator, type Logger, canonicalPayload, decodeMessage, verifyMessage, type MessageKind } from '../../kernel/index.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { SqlErasureStore } from '../adapters/sql-erasure.store.js';
import type { SqlExchangeReportStore } from '../adapters/sql-exchange-report.store.js';
import type { SqlOutgoingReportStore } from '../adapters/sql-outgoing-report.store.js';
import type { SqlReceivedErasureStore } from '../adapters/sql-received-erasure.store.js';
import type { OutboxPort, RightsConsents, RightsLedger, RightsParticipants, RightsPeople, RightsResolver, RightsSigner } from './ports.js';

/** Outbox topics of the three messages. */
export const EXCHANGE_REPORT_TOPIC = 'rights.exchange-report';
export const ERASURE_REQUEST_TOPIC = 'rights.erasure-request';
export const ERASURE_CONFIRMATION_TOPIC = 'rights.erasure-confirmation';

export interface RightsDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; publicUrl: string };
  /** This node has the personal-data-intermediary role; parties need not (their routes exist on every node). */
  intermediary: boolean;
  signer: RightsSigner;
  resolver: RightsResolver;
  ledger: RightsLedger;
  outbox: OutboxPort;
  participants: RightsParticipants;
  people: RightsPeople;
  consents: RightsConsents;
  /** Milliseconds between sweeps for exchange reports a crash left unsent (default 5000; 0: none). */
  reportSweepMs?: number;
}

/** What the use cases share: the deps and the stores. */
export type RightsContext = Omit<RightsDeps, 'reportSweepMs'> & {
  reports: SqlExchangeReportStore;
  erasures: SqlErasureStore;
  received: SqlReceivedErasureStore;
  outgoing: SqlOutgoingReportStore;
};

/** Signs the canonical form of a payload with the node's key. */
export const signPayload = (ctx: Pick<RightsContext, 'signer'>, payload: object, typ: string): Promise<string> => ctx.signer.sign(canonicalPayload(payload), typ);

/** The DSP base of an active participant, without a trailing slash; undefined when it has none. */
export async function dspOf(ctx: Pick<RightsContext, 'participants'>, did: string): Promise<string | undefined> {
  const p = await ctx.participants.get(did);
  if (!p || p.status !== 'active' || !p.endpoints.dsp) return undefined;
  return p.endpoints.dsp.replace(/\/+$/, '');
}

/**
 * Verifies a message `callerDid` sent us: it must be signed by the caller's key as its DID document publishes it
 * (resolved again once when the key is unknown: the sender may have rotated it since we cached the document).
 */
export async function verifyFrom<T>(ctx: Pick<RightsContext, 'resolver'>, jws: string, kind: MessageKind<T>, callerDid: string, path: string): Promise<T> {
  const invalid = (why: string) => new AppError('DS_RIGHTS_SIGNATURE_INVALID', `${path}: ${why}`, [{ path, message: why }]);
  const decoded = decodeMessage(jws, kind);
  if (!decoded.ok) throw invalid(decoded.reason);
  if (decoded.value.signerDid !== callerDid) {
    throw new AppError('DS_RIGHTS_WRONG_SENDER', `${path}: signed by ${decoded.value.signerDid}, sent by ${callerDid}`, [{ path, message: 'signed by another node than the caller' }]);
  }
  let verified = verifyMessage(jws, kind, await ctx.resolver.resolve(callerDid));
  if (!verified.ok && ctx.resolver.invalidate) {
    ctx.resolver.invalidate(callerDid);
    verified = verifyMessage(jws, kind, await ctx.resolver.resolve(callerDid));
  }
  if (!verified.ok) throw invalid(verified.reason);
  return verified.value.payload;
}

/** A field of a signed payload that does not name the caller or this node. */
export const wrongSender = (path: string, why: string) => new AppError('DS_RIGHTS_WRONG_SENDER', `${path}: ${why}`, [{ path, message: why }]);
