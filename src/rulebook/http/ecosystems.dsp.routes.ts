import type { FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { MemberInbox } from '../app/member-inbox.js';
import type { OrchestratorInbox } from '../app/orchestrator-inbox.js';
import { AcceptanceMessage, DecisionMessage, IdParams, InvitationMessage, JoinRequestMessage, JoinRequestView, ReasonBody, RemoteEcosystem, StatusAnswer, VersionMessage } from './rulebook.schemas.js';

const tags = ['ecosystems (node to node)'];
const config = { auth: 'dsp' as const, dspErrorType: 'EcosystemError' };

function caller(req: FastifyRequest): string {
  // auth 'dsp' guarantees a participant principal; the check narrows the type.
  if (req.principal.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
  return req.principal.did;
}

/**
 * What nodes say to each other about ecosystems, authenticated by node tokens. Each route acts only for the
 * orchestrator or participant concerned and answers 404 to anyone else.
 */
export function ecosystemDspRoutes(deps: { orchestrator: OrchestratorInbox; member: MemberInbox }) {
  const { orchestrator, member } = deps;
  const base = '/dsp/ecosystems/:id';
  return async (app: App) => {
    // Participant → orchestrator.
    app.get(base, { config, schema: { tags, summary: 'The current rulebook (members, invitees; anyone trusted if the ecosystem is open)', params: IdParams, response: { 200: RemoteEcosystem } } }, async (req) => {
      const e = await orchestrator.describe(req.params.id, caller(req));
      return { ...e, rulebook: e.rulebook as unknown as Record<string, unknown> };
    });
    app.post(`${base}/join-requests`, { config, schema: { tags, summary: 'Ask to join, with a signed acceptance of the current rulebook', params: IdParams, body: JoinRequestMessage, response: { 201: JoinRequestView } } }, async (req, reply) =>
      reply.code(201).send(await orchestrator.joinRequest(req.params.id, caller(req), req.body)),
    );
    app.post(`${base}/acceptances`, { config, schema: { tags, summary: 'Accept an invitation or the current rulebook version (signed)', params: IdParams, body: AcceptanceMessage, response: { 200: StatusAnswer } } }, async (req) =>
      orchestrator.acceptance(req.params.id, caller(req), req.body),
    );
    app.post(`${base}/departures`, { config, schema: { tags, summary: 'Leave the ecosystem', params: IdParams, body: ReasonBody, response: { 200: StatusAnswer } } }, async (req) =>
      orchestrator.departure(req.params.id, caller(req), req.body.reason),
    );
    // Orchestrator → participant.
    app.post(`${base}/invitations`, { config, schema: { tags, summary: 'An invitation to the ecosystem, with its current rulebook', params: IdParams, body: InvitationMessage, response: { 201: StatusAnswer } } }, async (req, reply) =>
      reply.code(201).send(await member.invitation(req.params.id, caller(req), req.body)),
    );
    app.post(`${base}/rulebook-versions`, { config, schema: { tags, summary: 'A new rulebook version, to be accepted again', params: IdParams, body: VersionMessage, response: { 200: StatusAnswer } } }, async (req) => ({
      status: 'received',
      ...(await member.version(req.params.id, caller(req), req.body)),
    }));
    app.post(`${base}/decisions`, { config, schema: { tags, summary: 'The decision on a request to join', params: IdParams, body: DecisionMessage, response: { 200: StatusAnswer } } }, async (req) =>
      member.decision(req.params.id, caller(req), req.body),
    );
  };
}
