import type { App } from '../../node/http-app.js';
import type { NegotiationContext } from '../app/negotiation.moves.js';
import { NegotiationProblem } from '../app/negotiation.problem.js';
import { act, offerAsProvider, startAsConsumer, type OperatorAction } from '../app/operator.actions.js';
import { isTerminal } from '../domain/negotiation.machine.js';
import type { Negotiation, Policy } from '../domain/negotiation.js';
import * as S from './negotiation.schemas.js';
import { agreementView, negotiationView } from './negotiation.views.js';

const DEFAULT_WAIT_S = 30;
const read = { auth: { management: 'read' as const } };
const write = { auth: { management: 'write' as const } };
const tags = ['negotiations'];

/** Waits (notified in process, re-reading the database) until `n` is FINALIZED or TERMINATED, or the timeout passes. */
export async function untilEnded(ctx: NegotiationContext, n: Negotiation, timeoutS: number | undefined): Promise<Negotiation> {
  if (isTerminal(n.state)) return n;
  const last = await ctx.notifier.waitUntil(n.id, () => ctx.store.get(n.id), (x) => isTerminal(x.state), (timeoutS ?? DEFAULT_WAIT_S) * 1000);
  return last ?? n;
}

/** The operator's side of negotiations: start one as consumer, follow it, decide, and list agreements. */
export function negotiationManagementRoutes(ctx: NegotiationContext) {
  return async (app: App) => {
    app.post(
      '/api/v1/negotiations',
      { config: write, schema: { tags, summary: 'Start a negotiation as consumer for an offer of the counterparty\'s catalog (?wait=true: answer once FINALIZED or TERMINATED)', body: S.StartBody, querystring: S.WaitQuery, response: { 201: S.NegotiationView } } },
      async (request, reply) => {
        const n = await startAsConsumer(ctx, request.body);
        return reply.code(201).send(negotiationView(request.query.wait ? await untilEnded(ctx, n, request.query.timeout) : n));
      },
    );

    app.post(
      '/api/v1/negotiations/offers',
      { config: write, schema: { tags, summary: 'Provider-initiated negotiation: offer terms on one of our datasets to a consumer', body: S.ProviderOfferBody, querystring: S.WaitQuery, response: { 201: S.NegotiationView } } },
      async (request, reply) => {
        const n = await offerAsProvider(ctx, { ...request.body, offer: request.body.offer as Policy });
        return reply.code(201).send(negotiationView(request.query.wait ? await untilEnded(ctx, n, request.query.timeout) : n));
      },
    );

    app.get('/api/v1/negotiations', { config: read, schema: { tags, summary: 'Negotiations, newest first', querystring: S.ListQuery, response: { 200: S.NegotiationList } } }, async (request) => {
      const page = await ctx.store.list(request.query);
      return { total: page.total, items: page.items.map(negotiationView) };
    });

    app.get('/api/v1/negotiations/:id', { config: read, schema: { tags, summary: 'One negotiation with its DSP state', params: S.IdParams, querystring: S.WaitQuery, response: { 200: S.NegotiationView } } }, async (request) => {
      const n = await ctx.store.get(request.params.id);
      if (!n) throw new NegotiationProblem('DS_NEGOTIATION_NOT_FOUND', `no negotiation ${request.params.id}`, [{ path: '/params/id', message: 'no such negotiation' }]);
      return negotiationView(request.query.wait ? await untilEnded(ctx, n, request.query.timeout) : n);
    });

    const action = (path: string, summary: string, body: typeof S.OfferBody | typeof S.EmptyBody | typeof S.TerminateBody, toAction: (b: Record<string, unknown>) => OperatorAction) =>
      app.post(`/api/v1/negotiations/:id/${path}`, { config: write, schema: { tags, summary, params: S.IdParams, body, response: { 200: S.NegotiationView } } }, async (request) => {
        const { id } = request.params as { id: string };
        return negotiationView(await act(ctx, id, toAction((request.body ?? {}) as Record<string, unknown>)));
      });
    action('offer', 'Provider: counter-offer to the consumer\'s request', S.OfferBody, (b) => ({ action: 'offer', offer: b.offer as Policy }));
    action('agree', 'Provider: agree to the offer on the table (signs the contract)', S.EmptyBody, () => ({ action: 'agree' }));
    action('accept', 'Consumer: accept the provider\'s offer on the table', S.EmptyBody, () => ({ action: 'accept' }));
    action('request', 'Consumer: counter-request with other terms', S.OfferBody, (b) => ({ action: 'request', offer: b.offer as Policy }));
    action('terminate', 'Either role: terminate with a reason code', S.TerminateBody, (b) => ({ action: 'terminate', code: b.code as string | undefined, reason: b.reason as string | undefined }));

    app.get('/api/v1/agreements', { config: read, schema: { tags, summary: 'Agreements of finalised negotiations, newest first, with their contract status', querystring: S.PageQuery, response: { 200: S.AgreementList } } }, async (request) => {
      const page = await ctx.store.agreements(request.query.limit, request.query.offset);
      const statuses = await Promise.all(page.items.map((n) => ctx.contracts.contractOfAgreement(n.agreementId!)));
      return { total: page.total, items: page.items.map((n, i) => agreementView(n, statuses[i])) };
    });

    app.get('/api/v1/agreements/:id', { config: read, schema: { tags, summary: 'One agreement; usable only while its contract is active', params: S.IdParams, response: { 200: S.AgreementView } } }, async (request) => {
      const n = await ctx.store.byAgreementId(request.params.id);
      if (!n || n.state !== 'FINALIZED') throw new NegotiationProblem('DS_NEGOTIATION_AGREEMENT_NOT_FOUND', `no agreement ${request.params.id}`, [{ path: '/params/id', message: 'no such agreement' }]);
      return agreementView(n, await ctx.contracts.contractOfAgreement(request.params.id));
    });
  };
}
