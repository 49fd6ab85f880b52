import { AppError, isAppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { NoticeStore, NoticesParticipants } from '../app/ports.js';
import type { ResolveInput } from '../app/resolve-notice.js';
import type { PrivacyNotice } from '../domain/notice.js';
import { renderNotice } from '../domain/notice.renderer.js';
import { GetQuery, IdParams, ListQuery, NoticePage, NoticeView, PrivacyNoticeSchema, RenderedSchema, ResolveBody, TextQuery, tags } from './notices.schemas.js';

const INTERMEDIARY_ROLE = 'personal-data-intermediary';
const read = { auth: { management: 'read' as const } };

const notFound = (id: string, version?: number) =>
  new AppError('DS_NOTICE_NOT_FOUND', version === undefined ? `no privacy notice ${id}` : `privacy notice ${id} has no version ${version}`, [version === undefined ? { path: '/params/id', message: 'not found' } : { path: '/querystring/version', message: 'no such version' }]);

/** The use case names input fields (`/purpose`); over HTTP they sit in the body. */
const underBody = (e: unknown): unknown => (isAppError(e) && e.errors ? new AppError(e.code, e.message.replace(/^\//, '/body/'), e.errors.map((f) => ({ ...f, path: `/body${f.path}` }))) : e);

/** A dashboard URL we can give people: http(s) only. */
const isHttpUrl = (s: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
};

export function noticesRoutes(deps: { store: NoticeStore; participants: NoticesParticipants; resolve(input: ResolveInput): Promise<PrivacyNotice> }) {
  return async (app: App) => {
    app.post(
      '/dsp/notices/resolve',
      {
        config: { auth: 'dsp', dspErrorType: 'NoticeError' },
        schema: { tags, summary: 'A personal-data intermediary asks the controller for the current privacy notice of a processing', body: ResolveBody, response: { 200: PrivacyNoticeSchema } },
      },
      async (req) => {
        if (req.principal.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
        const caller = req.principal.did;
        const { intermediary, ...rest } = req.body;
        if (intermediary && intermediary.did !== caller) throw new AppError('DS_NOTICE_WRONG_INTERMEDIARY', `the request names ${intermediary.did} but comes from ${caller}`, [{ path: '/body/intermediary/did', message: 'must be the caller' }]);
        if (intermediary?.withdrawUrl !== undefined && !isHttpUrl(intermediary.withdrawUrl)) throw new AppError('DS_HTTP_VALIDATION', '/body/intermediary/withdrawUrl: must be an http(s) URL', [{ path: '/body/intermediary/withdrawUrl', message: 'must be an http(s) URL' }]);
        const participant = await deps.participants.get(caller);
        if (participant?.roles && !participant.roles.includes(INTERMEDIARY_ROLE)) throw new AppError('DS_NOTICE_NOT_INTERMEDIARY', `${caller} does not declare the ${INTERMEDIARY_ROLE} role`);
        // The person's dashboard is served at <node>/me/ on every node (issue 7): derived from the caller's DSP origin.
        const dsp = participant?.endpoints?.dsp;
        const withdrawUrl = intermediary?.withdrawUrl ?? (dsp && isHttpUrl(dsp) ? `${new URL(dsp).origin}/me/` : undefined);
        return deps.resolve({ ...rest, intermediary: { did: caller, ...(withdrawUrl ? { withdrawUrl } : {}) } }).catch((e: unknown) => {
          throw underBody(e);
        });
      },
    );
    app.get('/api/v1/notices', { config: read, schema: { tags, summary: 'Current versions of privacy notices, most recently changed first, with what is missing', querystring: ListQuery, response: { 200: NoticePage } } }, async (req) => {
      const { limit, offset, ...filter } = req.query;
      return { ...(await deps.store.list(filter, { limit, offset })), limit, offset };
    });
    app.get('/api/v1/notices/:id', { config: read, schema: { tags, summary: 'A privacy notice: its current version, or ?version=n', params: IdParams, querystring: GetQuery, response: { 200: NoticeView } } }, async (req) => {
      const n = await deps.store.get(req.params.id, req.query.version);
      if (!n) throw notFound(req.params.id, req.query.version);
      return n;
    });
    app.get('/api/v1/notices/:id/text', { config: read, schema: { tags, summary: 'The plain-language text of a notice version in French or English, as people read it', params: IdParams, querystring: TextQuery, response: { 200: RenderedSchema } } }, async (req) => {
      const n = await deps.store.get(req.params.id, req.query.version);
      if (!n) throw notFound(req.params.id, req.query.version);
      return renderNotice(n, req.query.lang);
    });
  };
}
