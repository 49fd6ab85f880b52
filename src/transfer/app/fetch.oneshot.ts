import type { Readable } from 'node:stream';
import { datasetUuidOf } from '../../dsp/index.js';
import { AppError } from '../../kernel/index.js';
import { isTerminal } from '../domain/transfer.machine.js';
import type { Transfer } from '../domain/transfer.js';
import type { TransferFormat } from '../domain/transfer.types.js';
import { startAsConsumer } from './operator.actions.js';
import { consumerDelivered, terminateStep, type TransferContext } from './transfer.context.js';
import { TransferProblem } from './transfer.problem.js';

export interface FetchInput {
  counterPartyAddress: string;
  counterPartyId: string;
  datasetId: string;
  agreementId?: string | undefined;
  offerId?: string | undefined;
  purpose?: string | undefined;
  format: TransferFormat;
  dataDestination?: unknown;
  consent?: { intermediary: string; id: string } | undefined;
  timeoutS: number;
}

export type FetchResult =
  | { kind: 'stream'; transfer: Transfer; agreementId: string; body: Readable; contentType?: string | undefined }
  | { kind: 'stored'; transferId: string; agreementId: string; state: string; bytes: number; sha256: string };

/** An error of one step of the one-call API, its detail prefixed with the step's name. */
const inStep = (step: string, e: unknown): unknown => (e instanceof AppError ? new AppError(e.code, `${step}: ${e.message}`, e.errors) : e);
const sameDataset = (a: string, b: string) => (datasetUuidOf(a) ?? a) === (datasetUuidOf(b) ?? b);

/** An agreement of ours with the provider on the dataset that is still usable: the newest negotiated, or one used before. */
async function reusable(ctx: TransferContext, input: FetchInput): Promise<string | undefined> {
  const newest = await ctx.negotiation?.findAgreement?.({ counterpartyDid: input.counterPartyId, datasetId: input.datasetId, role: 'consumer' });
  const ids = [...(newest ? [newest.agreementId] : []), ...(await ctx.store.agreementsUsed(input.counterPartyId, input.datasetId))];
  for (const id of new Set(ids)) {
    const a = await ctx.agreements.agreement(id);
    if (!a || a.role !== 'consumer' || a.providerDid !== input.counterPartyId || !sameDataset(a.datasetId, input.datasetId)) continue;
    const usable = await (ctx.negotiation?.assertAgreementUsable?.(id) ?? Promise.resolve()).then(() => true, () => false);
    if (usable) return id;
  }
  return undefined;
}

async function offerOf(ctx: TransferContext, input: FetchInput): Promise<string> {
  if (input.offerId) return input.offerId;
  if (!ctx.catalogClient) throw new TransferProblem('DS_TRANSFER_OFFER_NOT_FOUND', 'catalog: no catalog client to find an offer: give offerId', [{ path: '/body/offerId', message: 'required on this node' }]);
  const dataset = (await ctx.catalogClient.requestDataset({ counterPartyAddress: input.counterPartyAddress, counterPartyId: input.counterPartyId, datasetId: input.datasetId }).catch((e: unknown) => {
    // The provider's 404: no such dataset in its catalog (anything else, e.g. unreachable, is reported as it is).
    if ((e as { errors?: Array<{ path: string; message: string }> }).errors?.some((x) => x.path === '/remote/status' && x.message === '404')) {
      throw new TransferProblem('DS_TRANSFER_OFFER_NOT_FOUND', `catalog: ${input.counterPartyId} has no dataset ${input.datasetId}`, [{ path: '/body/datasetId', message: 'not in the provider\'s catalog' }]);
    }
    throw e;
  })) as { hasPolicy?: Array<{ '@id'?: unknown }> };
  const id = dataset.hasPolicy?.find((p) => typeof p['@id'] === 'string')?.['@id'];
  if (typeof id !== 'string') throw new TransferProblem('DS_TRANSFER_OFFER_NOT_FOUND', `catalog: dataset ${input.datasetId} of ${input.counterPartyId} has no offer`, [{ path: '/body/datasetId', message: 'no offer for this dataset' }]);
  return id;
}

/** The agreement to transfer under: given, reused, or negotiated now (and waited for). */
async function agreementFor(ctx: TransferContext, input: FetchInput): Promise<string> {
  if (input.agreementId) return input.agreementId;
  const reused = await reusable(ctx, input);
  if (reused) return reused;
  if (!ctx.negotiation) throw new TransferProblem('DS_TRANSFER_NEGOTIATION_FAILED', 'negotiation: not available on this node: give agreementId', [{ path: '/body/agreementId', message: 'required on this node' }]);
  const offerId = await offerOf(ctx, input).catch((e: unknown) => Promise.reject(inStep('catalog', e)));
  const n = await ctx.negotiation.startNegotiation({ counterPartyAddress: input.counterPartyAddress, counterPartyId: input.counterPartyId, offerId, datasetId: input.datasetId, purpose: input.purpose }).catch((e: unknown) => Promise.reject(inStep('negotiation', e)));
  const ended = await ctx.negotiation.waitForEnd(n.id, input.timeoutS);
  if (ended?.state === 'FINALIZED' && ended.agreementId) return ended.agreementId;
  const why = ended?.state === 'TERMINATED' ? `terminated (${ended.terminationCode ?? 'no code'}): ${ended.terminationReason ?? 'no reason given'}` : `still ${ended?.state ?? 'unknown'} after ${input.timeoutS} s`;
  throw new TransferProblem('DS_TRANSFER_NEGOTIATION_FAILED', `negotiation ${n.id}: ${why}`, [{ path: '/body/datasetId', message: `negotiation ${why}` }]);
}

async function until(ctx: TransferContext, id: string, done: (t: Transfer) => boolean, timeoutS: number): Promise<Transfer> {
  const t = await ctx.notifier.waitUntil(id, () => ctx.store.get(id), done, timeoutS * 1000);
  if (!t) throw new TransferProblem('DS_TRANSFER_NOT_FOUND', `transfer: ${id} vanished`, undefined);
  if (t.state === 'TERMINATED') throw new TransferProblem('DS_TRANSFER_FAILED', `transfer ${id}: terminated (${t.terminationCode ?? 'no code'}): ${t.terminationReason ?? 'no reason given'}`, [{ path: '/body', message: t.terminationReason ?? 'terminated' }], t);
  if (!done(t)) throw new TransferProblem('DS_TRANSFER_TIMEOUT', `transfer ${id}: still ${t.state} after ${timeoutS} s (it goes on: follow it at /api/v1/transfers/${id})`, [{ path: '/body/timeoutS', message: 'too short for this transfer' }], t);
  return t;
}

/**
 * One call for the common case: agreement (given, reused or negotiated), transfer, then either the data streamed
 * to the caller (no destination: our node pulls and measures it) or stored in the destination and summarised.
 */
export async function fetchData(ctx: TransferContext, input: FetchInput): Promise<FetchResult> {
  const agreementId = await agreementFor(ctx, input);
  const nodeReads = input.dataDestination === undefined;
  const started = await startAsConsumer(ctx, { agreementId, counterPartyAddress: input.counterPartyAddress, counterPartyId: input.counterPartyId, format: input.format, dataDestination: input.dataDestination, nodeReads, consent: input.consent }).catch((e: unknown) => Promise.reject(inStep('transfer', e)));
  if (!nodeReads) {
    const t = await until(ctx, started.id, (x) => x.state === 'TERMINATED' || (x.state === 'COMPLETED' && x.sha256 !== undefined), input.timeoutS);
    return { kind: 'stored', transferId: t.id, agreementId, state: t.state, bytes: t.bytes ?? 0, sha256: t.sha256 ?? '' };
  }
  const t = await until(ctx, started.id, (x) => isTerminal(x.state) || (x.state === 'STARTED' && x.dataAddress !== undefined), input.timeoutS);
  if (t.state !== 'STARTED' || !t.dataAddress) throw new TransferProblem('DS_TRANSFER_FAILED', `transfer ${t.id}: ${t.state} before any data was read`, undefined, t);
  const opened = await ctx.dataPlane.open({ transferId: t.id, address: t.dataAddress }).catch((e: unknown) => Promise.reject(inStep('data', e)));
  const interrupted = (why: string) => async () => {
    const fresh = await ctx.store.get(t.id);
    if (fresh) await ctx.runner.change(fresh, (c) => (c.state === 'STARTED' ? terminateStep(ctx, c, { code: 'dases:delivery-interrupted', reason: why, by: 'auto', actor: 'message' }) : undefined));
  };
  void opened.measured
    .then(async (m) => {
      if (!m.complete) return interrupted('the stream to the caller ended before all the data was read')();
      // The row as we last saw it committed: changed meanwhile (the provider's completion), the runner reads it again.
      await ctx.runner.change(t, (c) => consumerDelivered(ctx, c, m));
    }, (e: unknown) => interrupted(`the stream to the caller failed: ${(e as Error).message}`)())
    .catch((e: unknown) => ctx.logger.warn({ err: e, transfer: t.id }, 'one-call transfer not settled'));
  return { kind: 'stream', transfer: t, agreementId, body: opened.body, contentType: opened.contentType };
}
