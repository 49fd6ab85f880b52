import { AppError } from '../../kernel/index.js';
import { assertIntermediary } from '../../people/index.js';
import type { ConsentRow } from '../adapters/sql-consent.store.js';
import { newRecord } from '../domain/consent-record.js';
import { CONSENT_TOKEN_TYP, type ConsentTokenClaims } from '../domain/consent-token.js';
import { withdrawUrl, type ConsentContext } from './consent.context.js';
import { noticeRef, type Lifecycle } from './lifecycle.js';
import type { PrivacyNoticePort } from './ports.js';

export interface ConsentRequestInput {
  provider: string;
  datasetId: string;
  offerId?: string | undefined;
  purpose: string;
  subjectId: string;
}

const HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * The intermediary's side of a consumer's request: who the person is (from the consumer's pseudonymous id), that
 * they are linked at the provider, the provider's notice for exactly this processing, then a pending request the
 * person sees on the dashboard. Asking again returns the open consent; a new notice version of a granted one makes
 * it wait for the person's reconfirmation.
 */
export function createRequests(ctx: ConsentContext, lifecycle: Lifecycle) {
  async function request(consumerDid: string, input: ConsentRequestInput): Promise<{ row: ConsentRow; created: boolean }> {
    assertIntermediary(ctx.intermediary);
    const provider = await ctx.participants.get(input.provider);
    if (!provider || provider.status !== 'active' || !provider.endpoints.dsp) {
      throw new AppError('DS_CONSENT_UNKNOWN_PARTY', `${input.provider} is not an active trusted participant with a DSP endpoint`, [{ path: '/provider', message: 'unknown provider' }]);
    }
    const personId = await ctx.people.personOfSubject(consumerDid, input.subjectId);
    if (!personId) throw new AppError('DS_CONSENT_SUBJECT_UNKNOWN', `no person is linked to ${input.subjectId} at ${consumerDid}`, [{ path: '/subjectId', message: 'no confirmed link for this subject id' }]);
    const providerSubject = await ctx.people.subjectAt(personId, input.provider);
    if (!providerSubject) throw new AppError('DS_CONSENT_NOT_LINKED', `the person has no confirmed link with ${input.provider}`, [{ path: '/provider', message: 'the person is not linked at this provider' }]);
    const notice = await fetchNotice(consumerDid, input);

    const key = { personId, consumerDid, providerDid: input.provider, datasetId: input.datasetId, purpose: input.purpose };
    const open = await ctx.store.findOpen(key);
    if (open) return { row: await renewNotice(open, notice), created: false };
    const id = `urn:uuid:${ctx.ids.uuid()}`;
    const at = ctx.clock.now();
    const record = newRecord({
      recordId: id,
      principalId: `urn:uuid:${ctx.ids.uuid()}`,
      intermediaryDid: ctx.node.did,
      providerDid: input.provider,
      consumerDid,
      datasetId: input.datasetId,
      offerId: input.offerId,
      purpose: input.purpose,
      notice: noticeRef(notice),
      piiCategories: categoriesOf(notice.content),
      withdrawalUrl: withdrawUrl(ctx),
      at,
    });
    const row = await ctx.store.insert({ id, ...key, principalId: record.piiPrincipalId, offerId: input.offerId, consumerSubjectId: input.subjectId, providerSubjectId: providerSubject, notice, record, at });
    if (row) return { row, created: true };
    // Another request for the same processing won the race.
    const winner = await ctx.store.findOpen(key);
    if (!winner) throw new AppError('DS_CONSENT_CONFLICT', 'the consent request collided with another one; try again');
    return { row: winner, created: false };
  }

  async function fetchNotice(consumerDid: string, input: ConsentRequestInput): Promise<PrivacyNoticePort> {
    let notice: PrivacyNoticePort;
    try {
      notice = await ctx.notices.fetch(input.provider, {
        datasetId: input.datasetId,
        ...(input.offerId ? { offerId: input.offerId } : {}),
        consumerDid,
        purpose: input.purpose,
        intermediary: { did: ctx.node.did, withdrawUrl: withdrawUrl(ctx) },
      });
    } catch (e) {
      ctx.logger.warn({ err: e, provider: input.provider }, 'privacy notice could not be obtained');
      throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `the privacy notice of ${input.provider} could not be obtained: ${(e as Error).message}`, [{ path: '/provider', message: 'no privacy notice' }]);
    }
    if (typeof notice?.id !== 'string' || !Number.isSafeInteger(notice.version) || notice.version < 1 || typeof notice.hash !== 'string' || !HASH.test(notice.hash)) {
      throw new AppError('DS_CONSENT_NOTICE_UNAVAILABLE', `${input.provider} answered with a notice without id, version or sha256 hash`, [{ path: '/provider', message: 'malformed privacy notice' }]);
    }
    return notice;
  }

  async function renewNotice(open: ConsentRow, notice: PrivacyNoticePort): Promise<ConsentRow> {
    const known = [(open.notice as PrivacyNoticePort).hash, (open.pending_notice as PrivacyNoticePort | null)?.hash];
    if (known.includes(notice.hash)) return open;
    return lifecycle.change(open.id, 'notice-changed', { notice });
  }

  /** A consent token for the consent's consumer: short-lived, never beyond the consent, bound to the consumer's DID. */
  async function issueToken(consumerDid: string, consentId: string): Promise<{ token: string; expiresAt: Date }> {
    assertIntermediary(ctx.intermediary);
    const row = await ctx.store.get(consentId);
    if (!row) throw new AppError('DS_CONSENT_NOT_FOUND', `no consent ${consentId}`, [{ path: '/params/id', message: 'no such consent' }]);
    if (row.consumer_did !== consumerDid) throw new AppError('DS_CONSENT_NOT_PARTY', `${consumerDid} is not the recipient of consent ${consentId}`, [{ path: '/params/id', message: 'not your consent' }]);
    const now = ctx.clock.now();
    if (row.status !== 'granted') throw new AppError('DS_CONSENT_NOT_GRANTED', `consent ${consentId} is ${row.status}`, [{ path: '/params/id', message: `consent ${row.status}` }]);
    if ((row.record as { reconfirmationRequired?: boolean }).reconfirmationRequired) throw new AppError('DS_CONSENT_RECONFIRMATION_REQUIRED', `the notice of consent ${consentId} changed; the person has to reconfirm`);
    if (!row.expires_at || row.expires_at <= now) throw new AppError('DS_CONSENT_EXPIRED', `consent ${consentId} has expired`);
    // The provider may have published a new notice since the person agreed: the current one is asked for with each
    // token, and a new version waits for the person's reconfirmation before anything flows again.
    const current = await fetchNotice(consumerDid, { provider: row.provider_did, datasetId: row.dataset_id, offerId: row.offer_id ?? undefined, purpose: row.purpose, subjectId: row.consumer_subject_id });
    const renewed = await renewNotice(row, current);
    if ((renewed.record as { reconfirmationRequired?: boolean }).reconfirmationRequired) {
      throw new AppError('DS_CONSENT_RECONFIRMATION_REQUIRED', `the provider's notice for consent ${consentId} changed (version ${current.version}); the person has to reconfirm`);
    }
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const exp = Math.min(nowSeconds + ctx.consentTokenTtlSeconds, Math.floor(row.expires_at.getTime() / 1000));
    const claims: ConsentTokenClaims = { iss: ctx.node.did, aud: row.provider_did, azp: row.consumer_did, sub: row.provider_subject_id, cid: row.id, dataset: row.dataset_id, purpose: row.purpose, iat: nowSeconds, exp, jti: ctx.ids.uuid() };
    return { token: await ctx.signer.sign(claims, CONSENT_TOKEN_TYP), expiresAt: new Date(exp * 1000) };
  }

  return { request, issueToken };
}

/**
 * The categories of personal data the notice names. NOTICES' content shape is theirs: we look for a `categories`
 * list of strings at the top or one level down (e.g. `personalData.categories`), and record none otherwise.
 */
export function categoriesOf(content: unknown): string[] {
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  if (typeof content !== 'object' || content === null) return [];
  const c = content as Record<string, unknown>;
  const top = strings(c.categories) ?? strings(c.dataCategories);
  if (top) return top;
  for (const v of Object.values(c)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const inner = v as Record<string, unknown>;
      const found = strings(inner.categories) ?? strings((inner.value as Record<string, unknown> | undefined)?.categories);
      if (found) return found;
    }
  }
  return [];
}
