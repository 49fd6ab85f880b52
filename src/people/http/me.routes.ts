import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, SESSION_COOKIE } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { TooManyAttempts, type Accounts } from '../app/accounts.service.js';
import type { Links } from '../app/links.service.js';
import type { Link } from '../domain/link.js';
import { LinkParams, LinkView, Me, meTags as tags, OpenedLink, OpenLinkBody, SessionAnswer, SignInBody, SignUpAnswer, SignUpBody } from './people.schemas.js';

const iso = (d: Date | undefined) => d?.toISOString();

export const linkView = (l: Link) => ({
  id: l.id,
  participantDid: l.participantDid,
  status: l.status,
  ...(l.subjectId !== undefined ? { subjectId: l.subjectId } : {}),
  ...(l.codeExpiresAt ? { codeExpiresAt: l.codeExpiresAt.toISOString() } : {}),
  createdAt: l.createdAt.toISOString(),
  ...(l.confirmedAt ? { confirmedAt: iso(l.confirmedAt) } : {}),
  ...(l.revokedAt ? { revokedAt: iso(l.revokedAt) } : {}),
});

/** A throttled attempt's problem carries Retry-After (the error handler keeps headers already set). */
async function throttled<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TooManyAttempts) reply.header('retry-after', String(e.retryAfterSeconds));
    throw e;
  }
}

/** auth 'person' guarantees a person principal; this narrows the type. */
function personOf(req: FastifyRequest): { personId: string; sessionId: string } {
  if (req.principal.kind !== 'person') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
  return req.principal;
}

/** The person's own API at the intermediary: account, sessions, identifier links. */
export function meRoutes(deps: { accounts: Accounts; links: Links; publicUrl: string; sessionTtlSeconds: number }) {
  const secure = deps.publicUrl.startsWith('https:') ? '; Secure' : '';
  const cookie = (value: string, maxAge: number) => `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure}`;
  const person = { auth: 'person' as const };

  return async (app: App) => {
    app.post('/api/v1/me/sign-up', { config: { auth: 'public' }, schema: { tags, summary: 'Create a person account at this intermediary', body: SignUpBody, response: { 201: SignUpAnswer } } }, async (req, reply) =>
      reply.code(201).send(await throttled(reply, () => deps.accounts.signUp(req.body, { ip: req.ip, acceptLanguage: req.headers['accept-language'] }))),
    );

    app.post(
      '/api/v1/me/sessions',
      { config: { auth: 'public' }, schema: { tags, summary: 'Sign in: a session token, also set as an HttpOnly cookie (429 with Retry-After after 5 failures in 15 min)', body: SignInBody, response: { 201: SessionAnswer } } },
      async (req, reply) => {
        const s = await throttled(reply, () => deps.accounts.signIn(req.body, { ip: req.ip }));
        // The cookie lives as long as the session; the server refuses it after expiresAt anyway.
        reply.header('set-cookie', cookie(s.token, deps.sessionTtlSeconds)).header('cache-control', 'no-store');
        return reply.code(201).send({ token: s.token, expiresAt: s.expiresAt.toISOString() });
      },
    );

    app.delete('/api/v1/me/sessions/current', { config: person, schema: { tags, summary: 'Sign out: the session stops working at once', response: { 204: Type.Null() } } }, async (req, reply) => {
      await deps.accounts.signOut(personOf(req).sessionId);
      return reply.code(204).header('set-cookie', cookie('', 0)).send(null);
    });

    app.get('/api/v1/me', { config: person, schema: { tags, summary: 'The signed-in person', response: { 200: Me } } }, async (req) => {
      const p = await deps.accounts.person(personOf(req).personId);
      if (!p) throw new AppError('DS_AUTH_INVALID_TOKEN', 'the account no longer exists', [{ path: '/headers/authorization', message: 'no such person' }]);
      return { personId: p.id, login: p.login, ...(p.name !== undefined ? { name: p.name } : {}), language: p.language, createdAt: p.createdAt.toISOString() };
    });

    app.get('/api/v1/me/links', { config: person, schema: { tags, summary: "The person's links with participants", response: { 200: Type.Object({ items: Type.Array(LinkView) }) } } }, async (req) => ({
      items: (await deps.links.list(personOf(req).personId)).map(linkView),
    }));

    app.post(
      '/api/v1/me/links',
      { config: person, schema: { tags, summary: 'Open a link with a participant: a one-time code (15 min) to give to that participant', body: OpenLinkBody, response: { 201: OpenedLink } } },
      async (req, reply) => {
        const l = await deps.links.open(personOf(req).personId, req.body.participant);
        return reply.code(201).header('cache-control', 'no-store').send({ id: l.id, code: l.code, expiresAt: l.expiresAt.toISOString() });
      },
    );

    app.delete('/api/v1/me/links/:id', { config: person, schema: { tags, summary: 'Revoke one of the person\'s links', params: LinkParams, response: { 204: Type.Null() } } }, async (req, reply) => {
      await deps.links.revoke(personOf(req).personId, req.params.id);
      return reply.code(204).send(null);
    });
  };
}
