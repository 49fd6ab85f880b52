import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { SqlNoticeStore } from './adapters/sql-notice.store.js';
import type { NodeProfile, NoticesCatalog, NoticesParticipants } from './app/ports.js';
import { resolveNotice, type ResolveInput } from './app/resolve-notice.js';
import type { PrivacyNotice } from './domain/notice.js';
import { noticesRoutes } from './http/notices.routes.js';

export type { MissingField, NoticeContent, NoticeParty, PolicyRestriction, PrivacyNotice, Right } from './domain/notice.js';
export type { NodeProfile, NoticesCatalog, NoticesParticipants } from './app/ports.js';
export type { ResolveInput } from './app/resolve-notice.js';
export { noticeHash } from './app/resolve-notice.js';
export { createNoticesClient, type NoticesClientDeps } from './adapters/notices.client.js';
export { renderNotice, type NoticeLanguage, type NoticeSection, type RenderedNotice } from './domain/notice.renderer.js';
export { PrivacyNoticeSchema, NoticeContentSchema } from './http/notices.schemas.js';

export interface NoticesDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; publicUrl: string };
  /** The node's own profile (identity's self-description): the controller. */
  profile: () => Promise<NodeProfile>;
  /** Config DASES_DPO_CONTACT. */
  dpoContact?: string | undefined;
  /** Config DASES_SUPERVISORY_AUTHORITY (else derived from the headquarters country where known, e.g. FR: CNIL). */
  supervisoryAuthority?: string | undefined;
  /** src/catalog's reader: the dataset (with its personal-data description) and its offers' policies. */
  catalog: NoticesCatalog;
  /** src/participants' directory: the consumer's legal name and country; the intermediary's role and DSP origin. */
  participants: NoticesParticipants;
}

export interface Notices {
  /** POST /dsp/notices/resolve (auth dsp: a personal-data intermediary), GET /api/v1/notices, /api/v1/notices/:id, /api/v1/notices/:id/text. */
  routes(app: App): Promise<void>;
  /** The current notice version for this processing; a new version is created when the content changes. */
  resolve(input: ResolveInput): Promise<PrivacyNotice>;
  /** A stored version (default: the current one); undefined when there is none. */
  get(id: string, version?: number): Promise<PrivacyNotice | undefined>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Privacy notices of the controller (this node as a provider), versioned by content hash. */
export function createNotices(deps: NoticesDeps): Notices {
  const store = new SqlNoticeStore(deps.db);
  const resolve = (input: ResolveInput) =>
    resolveNotice({ clock: deps.clock, ids: deps.ids, node: deps.node, profile: deps.profile, dpoContact: deps.dpoContact, supervisoryAuthority: deps.supervisoryAuthority, catalog: deps.catalog, participants: deps.participants, store }, input);
  return {
    routes: noticesRoutes({ store, participants: deps.participants, resolve }),
    resolve,
    async get(id, version) {
      if (!UUID.test(id)) return undefined;
      const found = await store.get(id, version);
      if (!found) return undefined;
      const { currentVersion: _current, ...notice } = found;
      return notice;
    },
  };
}
