import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { SqlEcosystemStore } from '../adapters/sql-ecosystem.store.js';
import type { SqlMembershipStore } from '../adapters/sql-membership.store.js';
import type { MemberService } from '../app/member.service.js';
import { notFound } from '../app/rulebook.context.js';
import { IdParams, JoinBody, MembershipDetail, MembershipView, PageQuery, ReasonBody, page } from './rulebook.schemas.js';

const tags = ['ecosystem memberships'];
const read = { auth: { management: 'read' as const } };
const write = { auth: { management: 'write' as const } };
const MembershipStatus = Type.Union([Type.Literal('invited'), Type.Literal('requested'), Type.Literal('accepting'), Type.Literal('active'), Type.Literal('refused'), Type.Literal('left')]);

/** This node as a participant of ecosystems orchestrated elsewhere: invitations, requests to join, acceptance, leaving. */
export function membershipRoutes(deps: { memberships: SqlMembershipStore; ecosystems: SqlEcosystemStore; members: MemberService }) {
  const { memberships, ecosystems, members } = deps;
  return async (app: App) => {
    app.get(
      '/api/v1/ecosystem-invitations',
      { config: read, schema: { tags, summary: 'Invitations this node received', querystring: Type.Object({ ...PageQuery, status: Type.Optional(MembershipStatus) }, { additionalProperties: false }), response: { 200: page(MembershipView) } } },
      async (req) => memberships.list({ invited: true, status: req.query.status ?? 'invited', limit: req.query.limit, offset: req.query.offset }),
    );
    app.post(
      '/api/v1/ecosystem-invitations/:id/accept',
      { config: write, schema: { tags, summary: 'Accept an invitation: signs the rulebook and sends the acceptance to the orchestrator', params: IdParams, response: { 202: MembershipView } } },
      async (req, reply) => reply.code(202).send(await members.acceptInvitation(req.params.id)),
    );
    app.get(
      '/api/v1/ecosystem-memberships',
      { config: read, schema: { tags, summary: "This node's memberships in ecosystems orchestrated elsewhere", querystring: Type.Object({ ...PageQuery, status: Type.Optional(MembershipStatus) }, { additionalProperties: false }), response: { 200: page(MembershipView) } } },
      async (req) => memberships.list({ status: req.query.status, limit: req.query.limit, offset: req.query.offset }),
    );
    app.post(
      '/api/v1/ecosystem-memberships',
      { config: write, schema: { tags, summary: "Ask to join an ecosystem at its orchestrator, signing its current rulebook", body: JoinBody, response: { 202: MembershipView } } },
      async (req, reply) => reply.code(202).send(await members.requestToJoin(req.body)),
    );
    app.get(
      '/api/v1/ecosystem-memberships/:id',
      { config: read, schema: { tags, summary: 'A membership with the newest rulebook version received', params: IdParams, response: { 200: MembershipDetail } } },
      async (req) => {
        const m = await memberships.get(req.params.id);
        if (!m) throw notFound('DS_RULEBOOK_MEMBERSHIP_NOT_FOUND', '/params/id', 'this node has no membership in that ecosystem');
        const v = await ecosystems.version(m.ecosystemId, m.latestVersion);
        return { ...m, rulebook: (v?.document ?? {}) as unknown as Record<string, unknown> };
      },
    );
    app.post(
      '/api/v1/ecosystem-memberships/:id/accept',
      { config: write, schema: { tags, summary: 'Accept the newest rulebook version (required after the orchestrator publishes one)', params: IdParams, response: { 202: MembershipView } } },
      async (req, reply) => reply.code(202).send(await members.acceptLatest(req.params.id)),
    );
    app.post(
      '/api/v1/ecosystem-memberships/:id/leave',
      { config: write, schema: { tags, summary: 'Leave the ecosystem (the orchestrator is told)', params: IdParams, body: ReasonBody, response: { 202: MembershipView } } },
      async (req, reply) => reply.code(202).send(await members.leave(req.params.id, req.body.reason)),
    );
  };
}
