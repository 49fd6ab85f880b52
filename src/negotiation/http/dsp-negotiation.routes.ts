import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DSP_BASE_PATH } from '../../dsp/index.js';
import { invalidField, problemBody, toAppError, type Principal } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { receiveAgreement, receiveCounterOffer, receiveInitialOffer } from '../app/consumer.inbound.js';
import type { Ack, Received } from '../app/inbound.common.js';
import type { NegotiationContext } from '../app/negotiation.moves.js';
import { NegotiationProblem } from '../app/negotiation.problem.js';
import { receiveCounterRequest, receiveInitialRequest, receiveVerification } from '../app/provider.inbound.js';
import { negotiationFor, receiveEvent, receiveTermination } from '../app/shared.inbound.js';
import { pidsOf } from '../domain/negotiation.js';
import * as M from '../domain/negotiation.messages.js';
import { negotiationAck } from '../domain/negotiation.wire.js';

// Answers stay open: they are JSON-LD and the serializer must not drop terms.
const JsonLdObject = Type.Object({}, { additionalProperties: true, description: 'ContractNegotiation (ACK) in the compacted form of the DSP 2025-1 context' });
const PidParams = Type.Object({ pid: Type.String({ minLength: 1, maxLength: 500, description: 'our process id (providerPid or consumerPid)' }) });
const CONFIG = { auth: 'dsp' as const, dspErrorType: 'ContractNegotiationError' };
const N = `${DSP_BASE_PATH}/negotiations`;

const callerOf = (p: Principal): string => (p.kind === 'participant' ? p.did : '');

/** Errors as ContractNegotiationError objects, which (unlike CatalogError) must name both process ids. */
function negotiationErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const e = toAppError(error, request);
  const body = (request.body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : '');
  const pids = error instanceof NegotiationProblem && error.pids ? error.pids : { providerPid: str(body.providerPid), consumerPid: str(body.consumerPid) };
  return reply.code(e.status).type('application/problem+json').send({ ...problemBody(e, request), ...pids });
}

/** The provider and consumer endpoints of the DSP 2025-1 contract negotiation HTTPS binding; our callback base is our DSP base. */
export function dspNegotiationRoutes(ctx: NegotiationContext) {
  return async (app: App) => {
    app.setErrorHandler(negotiationErrorHandler);
    const answer = (reply: FastifyReply, ack: Ack) => reply.code(ack.status).type('application/json').send(negotiationAck(pidsOf(ack.negotiation), ack.state));

    app.get(
      `${N}/:pid`,
      { config: CONFIG, schema: { tags: ['dsp'], summary: 'The contract negotiation (either role), for its counterparty only', params: PidParams, response: { 200: JsonLdObject } } },
      async (request, reply) => {
        const n = await negotiationFor(ctx, callerOf(request.principal), request.params.pid);
        return reply.type('application/json').send(negotiationAck(pidsOf(n), n.state));
      },
    );

    const post = (path: string, summary: string, body: TSchema, handle: (m: Received) => Promise<Ack>, status: 200 | 201) =>
      app.post(path, { config: CONFIG, schema: { tags: ['dsp'], summary, body, ...(path.includes(':pid') ? { params: PidParams } : {}), response: { [status]: JsonLdObject } } }, async (request, reply) => {
        const params = request.params as { pid?: string };
        const m: Received = { caller: callerOf(request.principal), body: request.body as Record<string, unknown>, ...(params.pid !== undefined ? { pid: params.pid } : {}) };
        return answer(reply, await handle(m));
      });

    post(`${N}/request`, 'Provider: ContractRequestMessage starting a negotiation (201)', M.ContractRequestMessage, (m) => {
      if (m.body.providerPid !== undefined) throw invalidField('/body/providerPid', 'a request on an existing negotiation goes to /negotiations/:providerPid/request');
      return receiveInitialRequest(ctx, m);
    }, 201);
    post(`${N}/:pid/request`, 'Provider: the consumer\'s counter-request', M.ContractRequestMessage, (m) => receiveCounterRequest(ctx, m), 200);
    post(`${N}/:pid/events`, 'Provider: ACCEPTED; consumer: FINALIZED (ContractNegotiationEventMessage)', M.ContractNegotiationEventMessage, (m) => receiveEvent(ctx, m), 200);
    post(`${N}/:pid/agreement/verification`, 'Provider: ContractAgreementVerificationMessage', M.ContractAgreementVerificationMessage, (m) => receiveVerification(ctx, m), 200);
    post(`${N}/:pid/termination`, 'Either role: ContractNegotiationTerminationMessage', M.ContractNegotiationTerminationMessage, (m) => receiveTermination(ctx, m), 200);
    post(`${N}/offers`, 'Consumer: ContractOfferMessage starting a negotiation (201)', M.ContractOfferMessage, (m) => {
      if (m.body.consumerPid !== undefined) throw invalidField('/body/consumerPid', 'an offer on an existing negotiation goes to /negotiations/:consumerPid/offers');
      return receiveInitialOffer(ctx, m);
    }, 201);
    post(`${N}/:pid/offers`, 'Consumer: the provider\'s counter-offer', M.ContractOfferMessage, (m) => receiveCounterOffer(ctx, m), 200);
    post(`${N}/:pid/agreement`, 'Consumer: ContractAgreementMessage (with the provider\'s contract signature)', M.ContractAgreementMessage, (m) => receiveAgreement(ctx, m), 200);
  };
}
