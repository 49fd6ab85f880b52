import type { Clock, IdGenerator, Logger, Result } from '../../kernel/index.js';
import type { IllegalTransition, MessageKind } from '../domain/transfer.machine.js';
import { advance, pidsOf, type Move, type Transfer } from '../domain/transfer.js';
import type { Measurement } from '../domain/transfer.types.js';
import { codeMessage, completionMessage, messageUrl } from '../domain/transfer.wire.js';
import type { Notifier } from '../../kernel/index.js';
import { refused, TransferProblem } from './transfer.problem.js';
import type { Outgoing, Runner, Step } from './transfer.runner.js';
import type { AgreementsPort, CatalogBrowser, ConsentGatePort, ConsentTokensPort, DataPlanePort, DatasetsPort, NegotiationPort, OutboxPort, ParticipantLookup, ReceiptsPort, TransferStore, UsagePort } from './ports.js';

/** Background work started once a change committed (push, consumer pull into a destination); see transfer.jobs.ts. */
export interface JobStarter {
  kick(id: string): void;
}

/** Everything the use cases share. `self.dspUrl` is our DSP base, also the callback address we give. */
export interface TransferContext {
  store: TransferStore;
  runner: Runner;
  notifier: Notifier;
  outbox: OutboxPort;
  participants: ParticipantLookup;
  agreements: AgreementsPort;
  datasets: DatasetsPort;
  usage: UsagePort;
  receipts: ReceiptsPort;
  dataPlane: DataPlanePort;
  negotiation?: NegotiationPort | undefined;
  catalogClient?: CatalogBrowser | undefined;
  /** Provider: the consent check of personal data (absent: personal data is refused). */
  consent?: ConsentGatePort | undefined;
  /** Consumer: consent tokens from a person's intermediary (absent: no consent-backed requests). */
  consentTokens?: ConsentTokensPort | undefined;
  jobs: JobStarter;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  self: { did: string; dspUrl: string };
}

export type Actor = 'message' | 'operator';
export const OPERATOR_TERMINATION = 'dases:terminated-by-operator';
export const OPERATOR_SUSPENSION = 'dases:suspended-by-operator';

export const newPid = (ctx: TransferContext): string => `urn:uuid:${ctx.ids.uuid()}`;
export const out = (ctx: TransferContext, by: 'auto' | 'operator' = 'auto', note?: string): Move => ({ at: ctx.clock.now(), direction: 'out', by, ...(note ? { note } : {}) });
export const inbound = (ctx: TransferContext, note?: string): Move => ({ at: ctx.clock.now(), direction: 'in', ...(note ? { note } : {}) });

export function must<T>(r: Result<T, IllegalTransition>, t: Transfer, actor: Actor): T {
  if (!r.ok) throw refused(r.error, t, actor);
  return r.value;
}

/** A message to the counterparty of `t` (its pid must be known: else it learns on its next message). */
export function send(t: Transfer, kind: MessageKind, body: Record<string, unknown>): Outgoing {
  if (t.counterpartyPid === undefined) throw new TransferProblem('DS_TRANSFER_ACTION_NOT_ALLOWED', `the counterparty's process id of ${t.id} is not known yet`, [{ path: '/params/id', message: 'wait for the counterparty to answer' }], t);
  return { kind, url: messageUrl(kind, t.counterpartyAddress, t.counterpartyPid), body };
}

const sendsIfKnown = (t: Transfer, kind: MessageKind, body: Record<string, unknown>): Outgoing[] => (t.counterpartyPid === undefined ? [] : [send(t, kind, body)]);

/** Either side: terminate with a reason code; running streams are aborted once committed. */
export function terminateStep(ctx: TransferContext, t: Transfer, o: { code: string; reason?: string | undefined; by: 'auto' | 'operator'; actor: Actor; tell?: boolean }): Step {
  const next = must(advance(t, 'termination', out(ctx, o.by), { terminationCode: o.code, terminationReason: o.reason, job: undefined }), t, o.actor);
  const sends = o.tell === false ? [] : sendsIfKnown(next, 'termination', codeMessage('termination', pidsOf(next), o.code, o.reason));
  return { next, sends, after: () => ctx.dataPlane.abort(t.id, o.reason ?? o.code) };
}

/** Either side: suspend; streams are aborted, the job (if any) waits for the resumption. */
export function suspendStep(ctx: TransferContext, t: Transfer, o: { code: string; reason?: string | undefined; by: 'auto' | 'operator' }): Step {
  const next = must(advance(t, 'suspension', out(ctx, o.by), { terminationCode: undefined }), t, 'operator');
  return { next, sends: [send(next, 'suspension', codeMessage('suspension', pidsOf(next), o.code, o.reason))], after: () => ctx.dataPlane.abort(t.id, o.reason ?? o.code) };
}

const measured = (m: Measurement) => ({ bytes: m.bytes, sha256: m.sha256, dataStartedAt: m.startedAt, dataEndedAt: m.endedAt });

/**
 * The provider's receipt of a completed exchange, written in the transaction that records the completion. The
 * consumer's callback address goes with it, where receipts go when its DID document announces no batch endpoint
 * and its registry entry names no DSP base (the receipts context looks those up when it sends).
 */
export function receiptOf(ctx: TransferContext, t: Transfer): Step['record'] {
  if (t.role !== 'provider' || t.bytes === undefined || t.sha256 === undefined || !t.dataStartedAt || !t.dataEndedAt) return undefined;
  const facts = {
    transferId: t.id,
    consumerPid: t.counterpartyPid ?? '',
    agreementId: t.agreementId,
    datasetId: t.datasetId,
    providerDid: ctx.self.did,
    consumerDid: t.counterpartyDid,
    bytes: t.bytes,
    sha256: t.sha256,
    startedAt: t.dataStartedAt,
    endedAt: t.dataEndedAt,
  };
  // Nothing else may touch the database in here: PGlite is one connection, held by this transaction.
  return (tx) => ctx.receipts.providerCompleted(tx, facts, t.counterpartyAddress);
}

/**
 * Provider: the data went out completely (a finite pull served, a push done). Completes and tells the consumer, or,
 * when the consumer's completion came first, records the measurement and the receipt on the completed transfer.
 */
export function providerDelivered(ctx: TransferContext, t: Transfer, m: Measurement): Step | undefined {
  if (t.state === 'COMPLETED') {
    if (t.sha256 !== undefined) return undefined;
    const next = { ...t, ...measured(m), updatedAt: ctx.clock.now() };
    return { next, record: receiptOf(ctx, next) };
  }
  if (t.state !== 'STARTED') return undefined;
  const next = must(advance(t, 'completion', out(ctx), { ...measured(m), job: undefined }), t, 'message');
  return { next, sends: sendsIfKnown(next, 'completion', completionMessage(pidsOf(next))), record: receiptOf(ctx, next) };
}

/**
 * Consumer: our node stored the data completely (pull into a destination, one-call stream). Completes and tells the
 * provider (its own completion may cross ours: both sides accept a completion of a completed transfer); the receipts
 * context learns what we measured.
 */
export function consumerDelivered(ctx: TransferContext, t: Transfer, m: Measurement): Step | undefined {
  const after = () => void ctx.receipts.consumerMeasured(t.id, m).catch((e: unknown) => ctx.logger.warn({ err: e, transfer: t.id }, 'receipt measurement not recorded'));
  if (t.state === 'COMPLETED') return t.sha256 === undefined ? { next: { ...t, ...measured(m) }, after } : undefined;
  if (t.state !== 'STARTED') return undefined;
  const next = must(advance(t, 'completion', out(ctx), { ...measured(m), job: undefined }), t, 'message');
  return { next, sends: sendsIfKnown(next, 'completion', completionMessage(pidsOf(next))), after };
}
