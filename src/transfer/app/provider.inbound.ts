import { datasetUuidOf } from '../../dsp/index.js';
import { invalidField } from '../../kernel/index.js';
import { bindSubject } from '../domain/subject-binding.js';
import { advance, isPush, pidsOf, start, type Transfer, type TransferConsent } from '../domain/transfer.js';
import { FORMATS, isFinite, pickDistribution, type DataAddress, type DistributionSource, type TransferFormat } from '../domain/transfer.types.js';
import { CONSENT_TOKEN, startMessage } from '../domain/transfer.wire.js';
import { adopt, checkCallback, receive, type Ack, type Received } from './inbound.common.js';
import { inbound, must, newPid, out, send, type TransferContext } from './transfer.context.js';
import { isUniqueViolation, TransferProblem } from './transfer.problem.js';
import type { Step } from './transfer.runner.js';

/**
 * The provider side. A request is checked (callback, format, agreement between us and the caller, a distribution
 * to stream), authorised by the usage context (one use consumed, atomically) and started at once in the same
 * transaction: pull: a TransferStartMessage with a DataAddress from the data plane; push: a TransferStartMessage,
 * then a background job pushes to the consumer's DataAddress.
 */

async function agreementFor(ctx: TransferContext, agreementId: string, caller: string) {
  const a = await ctx.agreements.agreement(agreementId);
  if (!a || a.role !== 'provider' || a.providerDid !== ctx.self.did || a.consumerDid !== caller) {
    throw new TransferProblem('DS_TRANSFER_AGREEMENT_NOT_FOUND', `no agreement ${agreementId} with ${caller} as consumer`, [{ path: '/body/agreementId', message: 'no such agreement between you and this provider' }]);
  }
  return a;
}

type OfferedDataset = Awaited<ReturnType<TransferContext['datasets']['getOfferedDataset']>>;

function distributionOf(found: OfferedDataset, datasetId: string, format: TransferFormat) {
  const d = found && pickDistribution(found.dataset.distributions, format);
  if (!d) throw new TransferProblem('DS_TRANSFER_NO_DISTRIBUTION', `dataset ${datasetId} has no distribution to transfer`, [{ path: '/body/agreementId', message: 'its dataset has no distribution' }]);
  return { distribution: d, personal: found.dataset.containsPersonalData === true };
}

/**
 * Personal data moves only under the person's consent: the request carries a consent token from the person's
 * intermediary, checked here (signature, audience, consumer, dataset, purpose, expiry, status), and the source is
 * narrowed to that one person. Without a token, or on a node that checks no consents, the refusal says so.
 */
async function consentFor(ctx: TransferContext, body: Record<string, unknown>, caller: string, agreement: { datasetId: string; purpose?: string | undefined }, source: DistributionSource) {
  const token = body[CONSENT_TOKEN];
  if (typeof token !== 'string' || token === '') {
    throw new TransferProblem('DS_USAGE_CONSENT_REQUIRED', `dataset ${agreement.datasetId} contains personal data: the request must carry the person's consent token from their intermediary (${CONSENT_TOKEN})`, [{ path: `/body/${CONSENT_TOKEN}`, message: 'missing' }]);
  }
  if (!ctx.consent) throw new TransferProblem('DS_USAGE_CONSENT_REQUIRED', `dataset ${agreement.datasetId} contains personal data and this node checks no consents`, [{ path: `/body/${CONSENT_TOKEN}`, message: 'not checked here' }]);
  const c = await ctx.consent.check(token, { consumerDid: caller, datasetId: agreement.datasetId, ...(agreement.purpose !== undefined ? { purpose: agreement.purpose } : {}) });
  const bound = bindSubject(source, c.subjectId);
  if (!bound.ok) throw new TransferProblem('DS_TRANSFER_CONSENT_NOT_SELECTIVE', bound.error, [{ path: '/body/agreementId', message: 'its dataset cannot be narrowed to one person' }]);
  const consent: TransferConsent = { id: c.consentId, subjectId: c.subjectId, expiresAt: c.expiresAt.toISOString(), ...(c.intermediaryDid ? { intermediaryDid: c.intermediaryDid } : {}) };
  return { consent, source: bound.value };
}

/** The start of a transfer (first start or the answer to a resumption): pull gets a fresh DataAddress, push its job. */
async function startStep(ctx: TransferContext, t: Transfer, by: 'auto' | 'operator', note?: string): Promise<Step> {
  const address = isPush(t.format) ? undefined : await ctx.dataPlane.issuePullAddress({ transferId: t.id, consumerDid: t.counterpartyDid, agreementId: t.agreementId });
  const next = must(advance(t, 'start', out(ctx, by, note), isPush(t.format) ? { job: 'push' } : {}), t, by === 'operator' ? 'operator' : 'message');
  return { next, sends: [send(next, 'start', startMessage(pidsOf(next), address))], ...(isPush(t.format) ? { after: () => ctx.jobs.kick(t.id) } : {}) };
}
export { startStep as providerStartStep };

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
const unwrap = <T>(s: Settled<T>): T => {
  if (!s.ok) throw s.error;
  return s.value;
};

/** POST /transfers/request. */
export async function receiveRequest(ctx: TransferContext, m: Received): Promise<Ack> {
  const { body, caller } = m;
  const consumerPid = String(body.consumerPid);
  // Independent reads side by side: the transfer this request may repeat, the caller's callback, the agreement and,
  // once it is known, its dataset with the usage gate's reads (the contract's status; the dataset read shared).
  // Their failures are reported in the order the checks read.
  const agreed = agreementFor(ctx, String(body.agreementId), caller);
  const dataset = agreed.then((a) => ctx.datasets.getOfferedDataset(datasetUuidOf(a.datasetId) ?? a.datasetId));
  const flags = (found: OfferedDataset) => found && { containsPersonalData: found.dataset.containsPersonalData === true };
  const admitted = agreed.then((a) => ctx.usage.admitTransfer({ agreementId: a.agreementId, consumerDid: caller, dataset: dataset.then(flags) }));
  const [existing, callbackCheck, agreementCheck, datasetCheck, admission] = await Promise.all([
    ctx.store.byCounterpartyPid(caller, consumerPid),
    settle(checkCallback(ctx.participants, caller, String(body.callbackAddress))),
    settle(agreed),
    settle(dataset),
    settle(admitted),
  ]);
  // Idempotent on consumerPid, as the protocol asks: the same request again gets the same process.
  if (existing) return { status: 201, transfer: existing, state: existing.state };
  const callback = unwrap(callbackCheck);
  const format = String(body.format);
  if (!(FORMATS as readonly string[]).includes(format)) throw new TransferProblem('DS_TRANSFER_UNSUPPORTED_FORMAT', `format ${format} is not supported`, [{ path: '/body/format', message: `must be one of ${FORMATS.join(', ')}` }]);
  const f = format as TransferFormat;
  const dataAddress = body.dataAddress as DataAddress | undefined;
  if (isPush(f) && !dataAddress?.endpoint) throw invalidField('/body/dataAddress', 'a push transfer needs the DataAddress (with an endpoint) to push to');
  const agreement = unwrap(agreementCheck);
  const { distribution, personal } = distributionOf(unwrap(datasetCheck), agreement.datasetId, f);
  const consented = personal ? await consentFor(ctx, body, caller, agreement, distribution.source) : undefined;
  const id = newPid(ctx);
  const fields = {
    id,
    role: 'provider' as const,
    counterpartyDid: caller,
    counterpartyAddress: callback,
    counterpartyPid: consumerPid,
    agreementId: agreement.agreementId,
    datasetId: agreement.datasetId,
    format: f,
    finite: isFinite(distribution.source),
    source: consented?.source ?? distribution.source,
    mediaType: distribution.mediaType,
    dataAddress: isPush(f) ? dataAddress : undefined,
    consent: consented?.consent,
  };
  const requested = must(start(fields, inbound(ctx)), fields as Transfer, 'message');
  // Everything that can fail is prepared before the use is consumed: a use is spent only on a transfer we record.
  const started = await startStep(ctx, requested, 'auto');
  await unwrap(admission).consume({ transferId: id, consented: consented !== undefined });
  try {
    const created = await ctx.runner.create(started);
    return { status: 201, transfer: created, state: 'REQUESTED' };
  } catch (e) {
    const winner = isUniqueViolation(e) ? await ctx.store.byCounterpartyPid(caller, consumerPid) : undefined;
    if (winner) return { status: 201, transfer: winner, state: winner.state };
    throw e;
  }
}

/** POST /transfers/:providerPid/start: the consumer resumes a suspended transfer; we answer with a fresh start. */
export function receiveResumption(ctx: TransferContext, m: Received, read?: Transfer): Promise<Ack> {
  return receive(ctx, m, async (t) => {
    if (t.state === 'STARTED') return undefined;
    const pushTo = m.body.dataAddress as DataAddress | undefined;
    const resumed = must(advance(t, 'start', inbound(ctx), { ...adopt(t, m.body), ...(pushTo && isPush(t.format) ? { dataAddress: pushTo } : {}) }), t, 'message');
    return startStep(ctx, resumed, 'auto', 'answer to the resumption');
  }, read);
}
