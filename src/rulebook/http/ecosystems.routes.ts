import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { SqlEcosystemStore } from '../adapters/sql-ecosystem.store.js';
import type { SqlParticipationStore } from '../adapters/sql-participation.store.js';
import type { ContractRequest } from '../app/ecosystem-contract.js';
import { ownEcosystem, type Orchestrator } from '../app/orchestrator.service.js';
import { notFound, type RulebookContext } from '../app/rulebook.context.js';
import type { Ecosystem, Member } from '../domain/ecosystem.js';
import {
  ContractAnswer, ContractBody, CreateBody, EcosystemDetail, EcosystemView, IdParams, InvitationView, InviteBody, JoinRequestView, MemberView, PageQuery,
  PublishBody, ReasonBody, RequestParams, RulebookView, VersionQuery, page,
} from './rulebook.schemas.js';

const tags = ['ecosystems'];
const read = { auth: { management: 'read' as const } };
const write = { auth: { management: 'write' as const } };
const Paged = Type.Object(PageQuery, { additionalProperties: false });
const InvitationQuery = Type.Object({ ...PageQuery, status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('undeliverable')])) }, { additionalProperties: false });
const JoinRequestQuery = Type.Object({ ...PageQuery, status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')])) }, { additionalProperties: false });

export interface EcosystemRouteDeps {
  ctx: RulebookContext;
  ecosystems: SqlEcosystemStore;
  participation: SqlParticipationStore;
  orchestrator: Orchestrator;
  proposeContract(id: string, req: ContractRequest): Promise<{ contractId: string; versionHash: string; rulebookHash: string }>;
}

const memberView = (eco: Ecosystem) => (m: Member) => ({ ...m, acceptedCurrent: m.acceptedHash === eco.rulebookHash });

/** The orchestrator's management API: ecosystems, rulebook versions, invitations, join requests, the contract. */
export function ecosystemRoutes(deps: EcosystemRouteDeps) {
  const { ctx, ecosystems, participation, orchestrator } = deps;
  const base = '/api/v1/ecosystems';
  return async (app: App) => {
    app.post(base, { config: write, schema: { tags, summary: 'Create an ecosystem orchestrated by this node, with version 1 of its rulebook', body: CreateBody, response: { 201: EcosystemView } } }, async (req, reply) =>
      reply.code(201).send(await orchestrator.create(req.body)),
    );
    app.get(base, { config: read, schema: { tags, summary: 'Ecosystems this node orchestrates', querystring: Paged, response: { 200: page(EcosystemView) } } }, async (req) =>
      ecosystems.listEcosystems({ orchestrator: ctx.did, limit: req.query.limit, offset: req.query.offset }),
    );
    app.get(`${base}/:id`, { config: read, schema: { tags, summary: 'An ecosystem with its current rulebook, members and versions', params: IdParams, response: { 200: EcosystemDetail } } }, async (req) => {
      const { eco, doc } = await ownEcosystem(ctx, ecosystems, req.params.id);
      const members = await ecosystems.members(eco.id);
      return { ...eco, rulebook: doc as unknown as Record<string, unknown>, members: members.map(memberView(eco)), versions: await ecosystems.versions(eco.id) };
    });
    app.get(`${base}/:id/rulebook`, { config: read, schema: { tags, summary: 'A rulebook version (default: the current one)', params: IdParams, querystring: VersionQuery, response: { 200: RulebookView } } }, async (req) => {
      const { eco } = await ownEcosystem(ctx, ecosystems, req.params.id);
      const v = await ecosystems.version(eco.id, req.query.version ?? eco.version);
      if (!v) throw notFound('DS_RULEBOOK_ECOSYSTEM_NOT_FOUND', '/querystring/version', 'no such version');
      return { version: v.version, hash: v.hash, publishedAt: v.publishedAt, rulebook: v.document as unknown as Record<string, unknown> };
    });
    app.post(`${base}/:id/rulebook`, { config: write, schema: { tags, summary: 'Publish a new rulebook version; members must accept it again', params: IdParams, body: PublishBody, response: { 201: Type.Object({ version: Type.Integer(), hash: Type.String() }) } } }, async (req, reply) =>
      reply.code(201).send(await orchestrator.publish(req.params.id, req.body)),
    );
    app.post(`${base}/:id/invitations`, { config: write, schema: { tags, summary: 'Invite a trusted participant to take a role', params: IdParams, body: InviteBody, response: { 201: InvitationView } } }, async (req, reply) =>
      reply.code(201).send(await orchestrator.invite(req.params.id, req.body)),
    );
    app.get(`${base}/:id/invitations`, { config: read, schema: { tags, summary: 'Invitations sent', params: IdParams, querystring: InvitationQuery, response: { 200: page(InvitationView) } } }, async (req) => {
      await ownEcosystem(ctx, ecosystems, req.params.id);
      return participation.invitations(req.params.id, req.query);
    });
    app.get(`${base}/:id/join-requests`, { config: read, schema: { tags, summary: 'Requests to join received', params: IdParams, querystring: JoinRequestQuery, response: { 200: page(JoinRequestView) } } }, async (req) => {
      await ownEcosystem(ctx, ecosystems, req.params.id);
      return participation.joinRequests(req.params.id, req.query);
    });
    app.post(`${base}/:id/join-requests/:requestId/approve`, { config: write, schema: { tags, summary: 'Admit the requester (its signed acceptance was verified on arrival)', params: RequestParams, response: { 200: Type.Object({ request: JoinRequestView, member: Type.Omit(MemberView, ['acceptedCurrent']) }) } } }, async (req) =>
      orchestrator.approve(req.params.id, req.params.requestId),
    );
    app.post(`${base}/:id/join-requests/:requestId/refuse`, { config: write, schema: { tags, summary: 'Refuse a request to join', params: RequestParams, body: ReasonBody, response: { 200: JoinRequestView } } }, async (req) =>
      orchestrator.refuse(req.params.id, req.params.requestId, req.body.reason),
    );
    app.post(`${base}/:id/contract`, { config: write, schema: { tags, summary: 'Propose the multi-party ecosystem contract to the members', params: IdParams, body: ContractBody, response: { 201: ContractAnswer } } }, async (req, reply) =>
      reply.code(201).send(await deps.proposeContract(req.params.id, req.body)),
    );
  };
}
