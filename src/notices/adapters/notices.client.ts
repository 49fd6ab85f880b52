import { AppError, messageValidator, nodeCall, type Logger } from '../../kernel/index.js';
import { noticeHash } from '../app/resolve-notice.js';
import type { PrivacyNotice } from '../domain/notice.js';
import { PrivacyNoticeSchema } from '../http/notices.schemas.js';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 512 * 1024;
const validateNotice = messageValidator(PrivacyNoticeSchema);

export interface NoticesClientDeps {
  tokens: { sign(audienceDid: string): Promise<string> };
  participants: { get(did: string): Promise<{ did: string; status: string; endpoints: { dsp?: string | undefined } } | undefined> };
  logger: Logger;
  fetch?: typeof fetch | undefined;
}

/**
 * The intermediary's side of notices: asks the provider (the controller) for the notice of a processing, with a node
 * token, and accepts it only if it is a notice and its hash is the hash of its content, so what the person reads,
 * consents to and gets a receipt for is exactly what the provider published under that hash.
 */
export function createNoticesClient(deps: NoticesClientDeps) {
  return {
    async fetch(providerDid: string, input: { datasetId: string; offerId?: string | undefined; consumerDid: string; purpose: string; intermediary: { did: string; withdrawUrl?: string | undefined } }): Promise<PrivacyNotice> {
      const p = await deps.participants.get(providerDid);
      if (!p || p.status !== 'active' || !p.endpoints.dsp) throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `${providerDid} is not an active trusted participant with a DSP endpoint`);
      const url = `${p.endpoints.dsp.replace(/\/+$/, '')}/notices/resolve`;
      const res = await nodeCall(
        {
          sign: (did) => deps.tokens.sign(did),
          fetch: deps.fetch,
          logger: deps.logger,
          timeoutMs: TIMEOUT_MS,
          maxBytes: MAX_BYTES,
          accept: 'application/json',
          unreachable: (detail) => new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', detail),
          tooLarge: (detail) => new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', detail),
        },
        url,
        providerDid,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) },
      );
      let body: unknown;
      try {
        body = JSON.parse(res.text);
      } catch {
        throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `${url} answered ${res.status} with a body that is not JSON`);
      }
      if (res.status >= 400) {
        const detail = (body as { detail?: unknown } | null)?.detail;
        throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `${providerDid} gave no notice: ${typeof detail === 'string' ? detail.slice(0, 500) : `answered ${res.status}`}`);
      }
      const errors = validateNotice(body);
      if (errors.length) throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `${providerDid} answered with something that is not a privacy notice (${errors[0]!.path || '/'}: ${errors[0]!.message})`);
      const notice = body as PrivacyNotice;
      if (noticeHash(notice.content) !== notice.hash) throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `the notice ${notice.id} of ${providerDid} does not match its hash`);
      return notice;
    },
  };
}
