import { AppError, messageValidator, participantDidOf, personIdOf } from '../../kernel/index.js';
import { assertIntermediary } from '../../people/index.js';
import type { App } from '../../node/http-app.js';
import { PrivacyNoticeSchema, renderNotice, type PrivacyNotice } from '../../notices/index.js';
import type { SqlConsentStore } from '../adapters/sql-consent.store.js';
import type { SqlPartyConsentStore } from '../adapters/sql-party-consent.store.js';
import type { Lifecycle } from '../app/lifecycle.js';
import type { Party } from '../app/party.js';
import type { createRequests } from '../app/requests.js';
import {
  ActionBody,
  ActionParams,
  ConsentNoticeAnswer,
  ConsentNoticeBody,
  ConsentRequestAnswer,
  ConsentRequestBody,
  IdParams,
  NoticeQuery,
  OutgoingRequestBody,
  RenderedNoticeAnswer,
  PageQuery,
  PartyConsentPage,
  PersonConsentDetail,
  PersonConsentList,
  TokenAnswer,
  tags,
} from './consent.schemas.js';
import { intermediaryView, partyView, personDetail, personView } from './consent.views.js';

export interface ConsentRoutesDeps {
  did: string;
  intermediary: boolean;
  store: SqlConsentStore;
  party: SqlPartyConsentStore;
  lifecycle: Lifecycle;
  requests: ReturnType<typeof createRequests>;
  receiver: Party;
  /** Consumer side: asks a person's intermediary for their consent. */
  requestConsent(intermediaryDid: string, input: { provider: string; datasetId: string; offerId?: string; purpose: string; subjectId: string }): Promise<{ id: string; status: string; reconfirmationRequired: boolean }>;
}


const validateNotice = messageValidator(PrivacyNoticeSchema);

/** DSP extension routes (consumer requests, tokens, notices), the person's consents, and the operators' list. */
export function consentRoutes(d: ConsentRoutesDeps) {
  return async (app: App) => {
    app.post('/dsp/consents/requests', { config: { auth: 'dsp', dspErrorType: 'ConsentError' }, schema: { tags, summary: "A consumer asks for one person's consent (the person decides on the dashboard)", body: ConsentRequestBody, response: { 200: ConsentRequestAnswer, 201: ConsentRequestAnswer } } }, async (req, reply) => {
      const { row, created } = await d.requests.request(participantDidOf(req.principal), req.body);
      return reply.code(created ? 201 : 200).send({ id: row.id, status: row.status, reconfirmationRequired: personView(row).reconfirmationRequired });
    });
    app.post('/dsp/consents/:id/tokens', { config: { auth: 'dsp', dspErrorType: 'ConsentError' }, schema: { tags, summary: "A short-lived consent token for the consent's consumer, to present to the provider", params: IdParams, response: { 200: TokenAnswer } } }, async (req) => {
      const t = await d.requests.issueToken(participantDidOf(req.principal), req.params.id);
      return { token: t.token, expiresAt: t.expiresAt.toISOString() };
    });
    app.post('/dsp/consents/notices', { config: { auth: 'dsp', dspErrorType: 'ConsentError' }, schema: { tags, summary: "The intermediary's signed receipt of a change of a consent this node is party to", body: ConsentNoticeBody, response: { 200: ConsentNoticeAnswer } } }, async (req) => {
      const r = await d.receiver.receive(participantDidOf(req.principal), req.body.receipt);
      return { consentId: r.consentId, status: r.status };
    });

    app.get('/api/v1/me/consents', { config: { auth: 'person' }, schema: { tags, summary: 'My consents and the requests awaiting my decision', response: { 200: PersonConsentList } } }, async (req) => {
      assertIntermediary(d.intermediary);
      return { items: (await d.store.listByPerson(personIdOf(req.principal))).map(personView) };
    });
    app.get('/api/v1/me/consents/:id', { config: { auth: 'person' }, schema: { tags, summary: 'One of my consents with its privacy notice, record and signed receipts', params: IdParams, response: { 200: PersonConsentDetail } } }, async (req) => {
      assertIntermediary(d.intermediary);
      const row = await d.lifecycle.load(req.params.id, personIdOf(req.principal));
      return personDetail(row, await d.store.receipts(row.id));
    });
    app.get('/api/v1/me/consents/:id/notice', { config: { auth: 'person' }, schema: { tags, summary: 'The privacy notice of one of my consents in plain language (French or English; ?pending=true: the newer version to reconfirm)', params: IdParams, querystring: NoticeQuery, response: { 200: RenderedNoticeAnswer } } }, async (req) => {
      assertIntermediary(d.intermediary);
      const row = await d.lifecycle.load(req.params.id, personIdOf(req.principal));
      const notice = (req.query.pending ? (row.pending_notice ?? row.notice) : row.notice) as unknown;
      // What the provider sent was checked when it arrived; a notice that no longer reads as one is not shown half.
      if (validateNotice(notice).length) throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `the notice of consent ${row.id} cannot be shown`);
      const n = notice as PrivacyNotice;
      const r = renderNotice(n, req.query.lang ?? 'fr');
      return { ...r, version: n.version, hash: n.hash, missing: n.missing.map((m) => m.field) };
    });
    app.post('/api/v1/me/consents/:id/:action', { config: { auth: 'person' }, schema: { tags, summary: 'Grant, refuse, withdraw or reconfirm one of my consents', params: ActionParams, body: ActionBody, response: { 200: PersonConsentDetail } } }, async (req) => {
      assertIntermediary(d.intermediary);
      const personId = personIdOf(req.principal);
      const days = req.body?.days;
      const row = await d.lifecycle.change(req.params.id, req.params.action, { personId, ...(days !== undefined ? { days } : {}) });
      return personDetail(row, await d.store.receipts(row.id));
    });

    app.post('/api/v1/consent-requests', { config: { auth: { management: 'write' } }, schema: { tags, summary: "Consumer: ask a person's intermediary for their consent to receive data about them from a provider, for a purpose", body: OutgoingRequestBody, response: { 201: ConsentRequestAnswer } } }, async (req, reply) => {
      const { intermediary, ...input } = req.body;
      const r = await d.requestConsent(intermediary, input);
      return reply.code(201).send({ id: r.id, status: r.status as never, reconfirmationRequired: r.reconfirmationRequired });
    });

    app.get('/api/v1/consents', { config: { auth: { management: 'read', participants: true } }, schema: { tags, summary: 'Consents this node holds (operator) or that the calling participant is party to', querystring: PageQuery, response: { 200: PartyConsentPage } } }, async (req) => {
      const p = req.principal;
      const partyDid = p.kind === 'participant' ? p.did : undefined;
      if (p.kind !== 'participant' && p.kind !== 'operator') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
      const window = { limit: req.query.limit + req.query.offset, offset: 0, ...(partyDid ? { partyDid } : {}) };
      const own = d.intermediary ? await d.store.list(window) : { items: [], total: 0 };
      const held = await d.party.list(window);
      const all = [...own.items.map((r) => intermediaryView(r, d.did)), ...held.items.map(partyView)].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a.id.localeCompare(b.id)));
      return { items: all.slice(req.query.offset, req.query.offset + req.query.limit), total: own.total + held.total, limit: req.query.limit, offset: req.query.offset };
    });
  };
}
