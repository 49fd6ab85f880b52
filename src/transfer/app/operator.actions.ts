import { invalidField } from '../../kernel/index.js';
import { advance, isPush, pidsOf, start, type Transfer } from '../domain/transfer.js';
import type { DataDestination, TransferFormat } from '../domain/transfer.types.js';
import { messageUrl, requestMessage, startMessage } from '../domain/transfer.wire.js';
import { providerStartStep } from './provider.inbound.js';
import { must, newPid, out, send, suspendStep, terminateStep, OPERATOR_SUSPENSION, OPERATOR_TERMINATION, type TransferContext } from './transfer.context.js';
import { TransferProblem } from './transfer.problem.js';
import type { Step } from './transfer.runner.js';

export interface StartInput {
  agreementId: string;
  counterPartyAddress: string;
  counterPartyId: string;
  format: TransferFormat;
  dataDestination?: unknown;
  /** One-call API: our node reads the data itself and hands it to the caller. */
  nodeReads?: boolean;
  /** Personal data: the person's consent at their intermediary; a fresh consent token goes with the request. */
  consent?: { intermediary: string; id: string } | undefined;
}

/** An address and DID the operator gave: http(s) without credentials, and an active trusted participant. */
async function checkCounterparty(ctx: TransferContext, did: string, address: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalidField('/body/counterPartyAddress', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('/body/counterPartyAddress', 'must be an http(s) URL');
  if (url.username || url.password) throw invalidField('/body/counterPartyAddress', 'must not carry credentials');
  const p = await ctx.participants.get(did);
  if (!p || p.status !== 'active') throw new TransferProblem('DS_TRANSFER_UNKNOWN_PARTICIPANT', `${did} is not an active trusted participant of this node (add it first)`, [{ path: '/body/counterPartyId', message: 'not an active participant' }]);
  return url.toString().replace(/\/+$/, '');
}

/** A consent token for the request, from the person's intermediary (which refuses unless the consent is granted to us). */
async function consentTokenFor(ctx: TransferContext, consent: { intermediary: string; id: string }): Promise<string> {
  if (!ctx.consentTokens) throw new TransferProblem('DS_TRANSFER_CONSENT_UNSUPPORTED', 'this node cannot ask an intermediary for consent tokens', [{ path: '/body/consent', message: 'not supported here' }]);
  const p = await ctx.participants.get(consent.intermediary);
  if (!p || p.status !== 'active') throw new TransferProblem('DS_TRANSFER_UNKNOWN_PARTICIPANT', `${consent.intermediary} is not an active trusted participant of this node (add it first)`, [{ path: '/body/consent/intermediary', message: 'not an active participant' }]);
  return ctx.consentTokens.tokenFor({ intermediaryDid: consent.intermediary, consentId: consent.id });
}

/** Consumer: requests a transfer under one of our agreements with the provider. */
export async function startAsConsumer(ctx: TransferContext, input: StartInput): Promise<Transfer> {
  const address = await checkCounterparty(ctx, input.counterPartyId, input.counterPartyAddress);
  const destination: DataDestination | undefined = input.dataDestination === undefined ? undefined : ctx.dataPlane.parseDestination(input.dataDestination, '/body/dataDestination');
  if (isPush(input.format) && !destination) throw invalidField('/body/dataDestination', 'a push transfer needs a dataDestination: our node receives the data');
  const a = await ctx.agreements.agreement(input.agreementId);
  if (!a || a.role !== 'consumer' || a.providerDid !== input.counterPartyId || a.consumerDid !== ctx.self.did) {
    throw new TransferProblem('DS_TRANSFER_AGREEMENT_NOT_FOUND', `no agreement ${input.agreementId} with ${input.counterPartyId} as provider`, [{ path: '/body/agreementId', message: 'no such agreement of ours with this provider' }]);
  }
  const consentToken = input.consent ? await consentTokenFor(ctx, input.consent) : undefined;
  const id = newPid(ctx);
  const dataAddress = isPush(input.format) ? await ctx.dataPlane.issuePushAddress({ transferId: id, providerDid: input.counterPartyId }) : undefined;
  const fields = {
    id,
    role: 'consumer' as const,
    counterpartyDid: input.counterPartyId,
    counterpartyAddress: address,
    agreementId: a.agreementId,
    datasetId: a.datasetId,
    format: input.format,
    finite: true,
    destination,
    delivery: destination || input.nodeReads ? ('node' as const) : ('direct' as const),
    consent: input.consent ? { id: input.consent.id, intermediaryDid: input.consent.intermediary } : undefined,
  };
  const next = must(start(fields, out(ctx, 'operator')), fields as Transfer, 'operator');
  const body = requestMessage({ consumerPid: id, agreementId: a.agreementId, format: input.format, callbackAddress: ctx.self.dspUrl, dataAddress, consentToken });
  return ctx.runner.create({ next, sends: [{ kind: 'request', url: messageUrl('request', address, undefined), body }] });
}

export type OperatorAction = { action: 'suspend'; reason?: string | undefined } | { action: 'resume' } | { action: 'terminate'; code?: string | undefined; reason?: string | undefined };

/** Consumer resumption: a TransferStartMessage to the provider (a push carries a fresh address to push to). */
async function resumeAsConsumer(ctx: TransferContext, t: Transfer): Promise<Step> {
  const address = isPush(t.format) ? await ctx.dataPlane.issuePushAddress({ transferId: t.id, providerDid: t.counterpartyDid }) : undefined;
  const next = must(advance(t, 'start', out(ctx, 'operator')), t, 'operator');
  return { next, sends: [send(next, 'start', startMessage(pidsOf(next), address))] };
}

/** Applies an operator action (suspend, resume, terminate) to transfer `id`, either role. */
export async function act(ctx: TransferContext, id: string, a: OperatorAction): Promise<Transfer> {
  const t = await ctx.store.get(id);
  if (!t) throw new TransferProblem('DS_TRANSFER_NOT_FOUND', `no transfer ${id}`, [{ path: '/params/id', message: 'no such transfer' }]);
  return ctx.runner.change(t, (current) => {
    switch (a.action) {
      case 'suspend':
        return suspendStep(ctx, current, { code: OPERATOR_SUSPENSION, reason: a.reason, by: 'operator' });
      case 'terminate':
        return terminateStep(ctx, current, { code: a.code ?? OPERATOR_TERMINATION, reason: a.reason, by: 'operator', actor: 'operator' });
      case 'resume':
        return current.role === 'provider' ? providerStartStep(ctx, current, 'operator') : resumeAsConsumer(ctx, current);
    }
  });
}
