import type { ConsentRow } from '../adapters/sql-consent.store.js';
import type { PartyConsentRow } from '../adapters/sql-party-consent.store.js';
import type { ConsentRecord } from '../domain/consent-record.js';
import type { PrivacyNoticePort } from '../app/ports.js';
import type { PartyConsentView, PersonConsentDetail, PersonConsentView } from './consent.schemas.js';

const ref = (n: PrivacyNoticePort) => ({ id: n.id, version: n.version, hash: n.hash });

/** The names a person reads, from the provider's notice (absent when the notice does not give them). */
function namesOf(n: PrivacyNoticePort): PersonConsentView['names'] {
  const c = (n.content ?? {}) as { controller?: { legalName?: unknown }; recipients?: { parties?: Array<{ legalName?: unknown }> }; dataset?: { title?: unknown } };
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const provider = text(c.controller?.legalName);
  const consumer = text(c.recipients?.parties?.[0]?.legalName);
  const title = c.dataset?.title;
  const dataset = title && typeof title === 'object' && Object.values(title).every((v) => typeof v === 'string') ? (title as Record<string, string>) : undefined;
  return { ...(provider ? { provider } : {}), ...(consumer ? { consumer } : {}), ...(dataset ? { dataset } : {}) };
}

export function personView(r: ConsentRow): PersonConsentView {
  const pending = r.pending_notice as PrivacyNoticePort | null;
  return {
    id: r.id,
    status: r.status,
    reconfirmationRequired: (r.record as ConsentRecord).reconfirmationRequired,
    consumer: r.consumer_did,
    provider: r.provider_did,
    datasetId: r.dataset_id,
    ...(r.offer_id ? { offerId: r.offer_id } : {}),
    purpose: r.purpose,
    notice: ref(r.notice as PrivacyNoticePort),
    ...(pending ? { pendingNotice: ref(pending) } : {}),
    ...(r.expires_at ? { expiresAt: r.expires_at.toISOString() } : {}),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    names: namesOf(r.notice as PrivacyNoticePort),
  };
}

export function personDetail(r: ConsentRow, receipts: Array<{ seq: number; jws: string; hash: string; state: string; created_at: Date }>): PersonConsentDetail {
  return {
    ...personView(r),
    noticeDocument: r.notice,
    ...(r.pending_notice ? { pendingNoticeDocument: r.pending_notice } : {}),
    record: r.record as ConsentRecord,
    receipts: receipts.map((x) => ({ seq: x.seq, state: x.state, receipt: x.jws, hash: x.hash, createdAt: x.created_at.toISOString() })),
  };
}

export function intermediaryView(r: ConsentRow, intermediaryDid: string): PartyConsentView {
  return {
    id: r.id,
    role: 'intermediary',
    intermediary: intermediaryDid,
    provider: r.provider_did,
    consumer: r.consumer_did,
    datasetId: r.dataset_id,
    purpose: r.purpose,
    status: r.status,
    reconfirmationRequired: (r.record as ConsentRecord).reconfirmationRequired,
    ...(r.expires_at ? { expiresAt: r.expires_at.toISOString() } : {}),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function partyView(r: PartyConsentRow): PartyConsentView {
  return {
    id: r.consent_id,
    role: r.role,
    intermediary: r.intermediary_did,
    provider: r.provider_did,
    consumer: r.consumer_did,
    datasetId: r.dataset_id,
    purpose: r.purpose,
    status: r.status,
    reconfirmationRequired: r.reconfirmation_required,
    ...(r.expires_at ? { expiresAt: r.expires_at.toISOString() } : {}),
    updatedAt: r.updated_at.toISOString(),
  };
}
