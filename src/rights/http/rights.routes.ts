import { participantDidOf, personIdOf } from '../../kernel/index.js';
import { assertIntermediary } from '../../people/index.js';
import type { App } from '../../node/http-app.js';
import type { ReceivedErasureRow } from '../adapters/sql-received-erasure.store.js';
import type { ErasureRequests } from '../app/erasure-requests.js';
import type { Exchanges } from '../app/exchanges.js';
import type { PartyErasures } from '../app/party-erasures.js';
import { erasureView, exchangeView, participantNames, type createPersonalExport } from '../app/personal-export.js';
import { type RightsContext } from '../app/rights.context.js';
import {
  ConfirmBody,
  EmptyBody,
  ErasureConfirmationAnswer,
  ErasureConfirmationBody,
  ErasureRequestBody,
  ErasureRequestList,
  ErasureRequestView,
  ExchangeReportAnswer,
  ExchangeReportBody,
  IdParams,
  PersonalExport,
  PersonExchangeList,
  ReceivedErasurePage,
  ReceivedErasureQuery,
  ReceivedErasureView,
  tags,
} from './rights.schemas.js';

export interface RightsRoutesDeps {
  intermediary: boolean;
  participants: RightsContext['participants'];
  exchanges: Exchanges;
  erasures: ErasureRequests;
  party: PartyErasures;
  exportOf: ReturnType<typeof createPersonalExport>;
}


function receivedView(r: ReceivedErasureRow) {
  return {
    id: r.id,
    intermediary: r.intermediary_did,
    subjectId: r.subject_id,
    requestedAt: r.requested_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.decided_at ? { decidedAt: r.decided_at.toISOString() } : {}),
  };
}

/** The person's rights at the intermediary (/api/v1/me/…), the parties' messages to it, and the parties' side of erasure. */
export function rightsRoutes(d: RightsRoutesDeps) {
  const dsp = { auth: 'dsp' as const, dspErrorType: 'RightsError' };
  return async (app: App) => {
    app.post('/dsp/people/exchanges', { config: dsp, schema: { tags, summary: "A party's signed report that a transfer under a consent started or ended", body: ExchangeReportBody, response: { 200: ExchangeReportAnswer, 201: ExchangeReportAnswer } } }, async (req, reply) => {
      const r = await d.exchanges.receive(participantDidOf(req.principal), req.body.report);
      return reply.code(r.duplicate ? 200 : 201).send(r);
    });
    app.post('/dsp/people/erasure-confirmations', { config: dsp, schema: { tags, summary: "A participant's signed answer to an erasure request", body: ErasureConfirmationBody, response: { 200: ErasureConfirmationAnswer } } }, async (req) =>
      d.erasures.receiveConfirmation(participantDidOf(req.principal), req.body.confirmation),
    );

    app.get('/api/v1/me/exchanges', { config: { auth: 'person' }, schema: { tags, summary: 'Every exchange of my data the parties reported, newest first', response: { 200: PersonExchangeList } } }, async (req) => {
      assertIntermediary(d.intermediary);
      return { items: (await d.exchanges.ofPerson(personIdOf(req.principal))).map(exchangeView) };
    });
    app.get('/api/v1/me/export', { config: { auth: 'person' }, schema: { tags, summary: 'Everything this intermediary holds about me, as one JSON file', response: { 200: PersonalExport } } }, async (req, reply) => {
      const doc = await d.exportOf(personIdOf(req.principal));
      return reply.header('content-disposition', `attachment; filename="dases-export-${doc.exportedAt.slice(0, 10)}.json"`).header('cache-control', 'no-store').send(doc);
    });
    app.post('/api/v1/me/erasure-requests', { config: { auth: 'person' }, schema: { tags, summary: 'Ask every participant I am linked with to erase my data', body: EmptyBody, response: { 201: ErasureRequestView } } }, async (req, reply) => {
      const r = await d.erasures.request(personIdOf(req.principal));
      return reply.code(201).send(erasureView(r, await participantNames(d, [r])));
    });
    app.get('/api/v1/me/erasure-requests', { config: { auth: 'person' }, schema: { tags, summary: 'My erasure requests and where each participant stands', response: { 200: ErasureRequestList } } }, async (req) => {
      assertIntermediary(d.intermediary);
      const requests = await d.erasures.byPerson(personIdOf(req.principal));
      const names = await participantNames(d, requests);
      return { items: requests.map((r) => erasureView(r, names)) };
    });

    app.post('/dsp/erasure-requests', { config: dsp, schema: { tags, summary: "A person's signed erasure request, from their intermediary", body: ErasureRequestBody, response: { 200: ReceivedErasureView, 201: ReceivedErasureView } } }, async (req, reply) => {
      const { row, created } = await d.party.receive(participantDidOf(req.principal), req.body);
      return reply.code(created ? 201 : 200).send(receivedView(row));
    });
    app.get('/api/v1/erasure-requests', { config: { auth: { management: 'read' } }, schema: { tags, summary: 'Erasure requests this node received, newest first', querystring: ReceivedErasureQuery, response: { 200: ReceivedErasurePage } } }, async (req) => {
      const page = await d.party.list({ status: req.query.status, limit: req.query.limit, offset: req.query.offset });
      return { items: page.items.map(receivedView), total: page.total, limit: req.query.limit, offset: req.query.offset };
    });
    app.post('/api/v1/erasure-requests/:id/confirm', { config: { auth: { management: 'write' } }, schema: { tags, summary: 'After erasing in our systems (or refusing, with the reason): the signed answer goes to the intermediary', params: IdParams, body: ConfirmBody, response: { 200: ReceivedErasureView } } }, async (req) =>
      receivedView(await d.party.confirm(req.params.id, req.body)),
    );
  };
}
