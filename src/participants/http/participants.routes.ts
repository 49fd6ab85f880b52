import { Type } from '@sinclair/typebox';
import { AppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { Participant } from '../domain/participant.js';
import type { SqlParticipantStore } from '../adapters/sql-participant.store.js';
import type { ParticipantsService } from '../app/participants.service.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);
const ParticipantSchema = Type.Object({
  did: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  status: Status,
  statusReason: Type.Optional(Type.String()),
  endpoints: Type.Object({ dsp: Type.Optional(Type.String()), catalog: Type.Optional(Type.String()), credential: Type.Optional(Type.String()) }),
  selfDescription: Type.Object({}, { additionalProperties: true }),
  verifiedAt: Type.String({ format: 'date-time' }),
  addedAt: Type.String({ format: 'date-time' }),
});
const DidParam = Type.Object({ did: Type.String({ minLength: 8, maxLength: 500, description: 'The DID, URL-encoded' }) });
const tags = ['participants'];

/** The registry of trusted participants; reading needs `read`, every change `write`. */
export function participantRoutes(deps: { service: ParticipantsService; store: SqlParticipantStore }) {
  const { service, store } = deps;
  const existing = async (did: string): Promise<Participant> => {
    const p = await store.get(did);
    if (!p) throw new AppError('DS_PARTICIPANT_NOT_FOUND', `no participant ${did}`, [{ path: '/params/did', message: 'unknown' }]);
    return p;
  };
  return async (app: App) => {
    app.post(
      '/api/v1/participants',
      {
        config: { auth: { management: 'write' } },
        schema: {
          tags,
          summary: 'Trust a participant by DID or URL: resolves, verifies its credential, discovers its DSP endpoint (201 new, 200 refreshed)',
          body: Type.Object({ did: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), url: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false }),
          response: { 200: ParticipantSchema, 201: ParticipantSchema },
        },
      },
      async (req, reply) => {
        const { did, url } = req.body;
        if ((did === undefined) === (url === undefined)) {
          throw new AppError('DS_HTTP_VALIDATION', 'give exactly one of did or url', [{ path: '/body', message: 'exactly one of did or url is required' }]);
        }
        const { participant, created } = await service.add({ ...(did !== undefined ? { did } : {}), ...(url !== undefined ? { url } : {}) });
        return reply.code(created ? 201 : 200).send(participant);
      },
    );
    app.get(
      '/api/v1/participants',
      {
        config: { auth: { management: 'read' } },
        schema: {
          tags,
          summary: 'List participants',
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }), status: Type.Optional(Status) }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(ParticipantSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
        },
      },
      async (req) => ({ ...(await store.list(req.query)), limit: req.query.limit, offset: req.query.offset }),
    );
    app.get('/api/v1/participants/:did', { config: { auth: { management: 'read' } }, schema: { tags, summary: 'One participant', params: DidParam, response: { 200: ParticipantSchema } } }, async (req) =>
      existing(req.params.did),
    );
    app.post(
      '/api/v1/participants/:did/suspend',
      {
        config: { auth: { management: 'write' } },
        schema: { tags, summary: 'Suspend a participant: its tokens are refused from the next request on', params: DidParam, body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }), response: { 200: ParticipantSchema } },
      },
      async (req) => service.suspend(req.params.did, req.body.reason),
    );
    app.post(
      '/api/v1/participants/:did/activate',
      { config: { auth: { management: 'write' } }, schema: { tags, summary: 'Lift a suspension', params: DidParam, response: { 200: ParticipantSchema } } },
      async (req) => service.activate(req.params.did),
    );
    app.delete('/api/v1/participants/:did', { config: { auth: { management: 'write' } }, schema: { tags, summary: 'Forget a participant', params: DidParam, response: { 204: Type.Null() } } }, async (req, reply) => {
      await service.remove(req.params.did);
      return reply.code(204).send(null);
    });
  };
}
