import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DSP_BASE_PATH } from '../../dsp/index.js';
import { problemBody, toAppError, type Principal } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { Ack, Received } from '../app/inbound.common.js';
import { receiveRequest } from '../app/provider.inbound.js';
import { receiveCompletion, receiveStartMessage, receiveSuspension, receiveTermination, transferFor } from '../app/shared.inbound.js';
import type { TransferContext } from '../app/transfer.context.js';
import { TransferProblem } from '../app/transfer.problem.js';
import { pidsOf } from '../domain/transfer.js';
import * as M from '../domain/transfer.messages.js';
import { transferProcess } from '../domain/transfer.wire.js';

// Answers stay open: they are JSON-LD and the serializer must not drop terms.
const JsonLdObject = Type.Object({}, { additionalProperties: true, description: 'TransferProcess (ACK) in the compacted form of the DSP 2025-1 context' });
const PidParams = Type.Object({ pid: Type.String({ minLength: 1, maxLength: 500, description: 'our process id (providerPid or consumerPid)' }) });
const CONFIG = { auth: 'dsp' as const, dspErrorType: 'TransferError' };
const T = `${DSP_BASE_PATH}/transfers`;

const callerOf = (p: Principal): string => (p.kind === 'participant' ? p.did : '');

/** Errors as TransferError objects, which must name both process ids. */
function transferErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const e = toAppError(error, request);
  const body = (request.body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : '');
  const pids = error instanceof TransferProblem && error.pids ? error.pids : { providerPid: str(body.providerPid), consumerPid: str(body.consumerPid) };
  return reply.code(e.status).type('application/problem+json').send({ ...problemBody(e, request), ...pids });
}

/**
 * The provider and consumer endpoints of the DSP 2025-1 transfer process HTTPS binding. Our callback address is our
 * DSP base, so both roles share `/transfers/:pid/{start,completion,termination,suspension}`: our pid says which
 * transfer, and the state machine judges whether its counterparty may send that message.
 */
export function dspTransferRoutes(ctx: TransferContext) {
  return async (app: App) => {
    app.setErrorHandler(transferErrorHandler);
    const answer = (reply: FastifyReply, ack: Ack) => reply.code(ack.status).type('application/json').send(transferProcess(pidsOf(ack.transfer), ack.state));

    app.get(`${T}/:pid`, { config: CONFIG, schema: { tags: ['dsp'], summary: 'The transfer process (either role), for its counterparty only', params: PidParams, response: { 200: JsonLdObject } } }, async (request, reply) => {
      const t = await transferFor(ctx, callerOf(request.principal), request.params.pid);
      return reply.type('application/json').send(transferProcess(pidsOf(t), t.state));
    });

    const post = (path: string, summary: string, body: TSchema, handle: (m: Received) => Promise<Ack>, status: 200 | 201) =>
      app.post(path, { config: CONFIG, schema: { tags: ['dsp'], summary, body, ...(path.includes(':pid') ? { params: PidParams } : {}), response: { [status]: JsonLdObject } } }, async (request, reply) => {
        const params = request.params as { pid?: string };
        const m: Received = { caller: callerOf(request.principal), body: request.body as Record<string, unknown>, ...(params.pid !== undefined ? { pid: params.pid } : {}) };
        return answer(reply, await handle(m));
      });

    post(`${T}/request`, 'Provider: TransferRequestMessage starting a transfer (201)', M.TransferRequestMessage, (m) => receiveRequest(ctx, m), 201);
    post(`${T}/:pid/start`, "Consumer: the provider's TransferStartMessage; provider: the consumer's resumption", M.TransferStartMessage, (m) => receiveStartMessage(ctx, m), 200);
    post(`${T}/:pid/completion`, 'Either role: TransferCompletionMessage', M.TransferCompletionMessage, (m) => receiveCompletion(ctx, m), 200);
    post(`${T}/:pid/termination`, 'Either role: TransferTerminationMessage', M.TransferTerminationMessage, (m) => receiveTermination(ctx, m), 200);
    post(`${T}/:pid/suspension`, 'Either role: TransferSuspensionMessage', M.TransferSuspensionMessage, (m) => receiveSuspension(ctx, m), 200);
  };
}
