import { Type, type Static } from '@sinclair/typebox';
import type { ConsentAction, ConsentState } from './consent.machine.js';

/**
 * Our JSON shape of an ISO/IEC TS 27560:2023 consent record, section by section: the record header (record id,
 * schema version, PII principal), PII processing (notice reference, purposes with lawful basis, processing, PII
 * categories, controllers, recipients, jurisdiction, retention, withdrawal method), party identification, and the
 * event section (state changes with time, method, actor and validity). The PII principal is a pseudonymous id that
 * only the intermediary can tie to the person: the record travels to the parties inside signed receipts.
 */
export const CONSENT_SCHEMA_VERSION = 'dases-consent-record/1 (ISO/IEC TS 27560:2023)';

const Did = Type.String({ minLength: 1, maxLength: 500 });
// A pattern rather than `format`: the record is also checked outside Fastify (receipts verified offline), where
// no format plugin is loaded.
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });
const Text = Type.String({ minLength: 1, maxLength: 2000 });

export const ConsentStateSchema = Type.Union([Type.Literal('requested'), Type.Literal('granted'), Type.Literal('refused'), Type.Literal('withdrawn'), Type.Literal('expired')]);

export const NoticeReference = Type.Object(
  { id: Text, version: Type.Integer({ minimum: 1 }), hash: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }) },
  { additionalProperties: false, description: 'The privacy notice the person was shown (immutable version; hash of its canonical content)' },
);

export const ProcessingPurpose = Type.Object(
  {
    purpose: Text,
    lawfulBasis: Type.Literal('GDPR Art. 6(1)(a) consent'),
    processing: Type.Array(Text, { description: 'Processing operations: the provider transfers the data to the recipient, who uses it' }),
    piiCategories: Type.Array(Text, { description: 'Categories of personal data, from the notice (empty when the notice declares none)' }),
    datasetId: Text,
    offerId: Type.Optional(Text),
    controllers: Type.Array(Did),
    recipients: Type.Array(Did),
    jurisdiction: Text,
    withdrawalMethod: Text,
  },
  { additionalProperties: false },
);

export const PartyRole = Type.Union([Type.Literal('pii-controller'), Type.Literal('recipient'), Type.Literal('consent-manager')]);
export const PartyIdentification = Type.Object({ partyId: Did, role: PartyRole }, { additionalProperties: false });

export const ConsentEvent = Type.Object(
  {
    time: Instant,
    state: ConsentStateSchema,
    action: Type.Union([Type.Literal('request'), Type.Literal('grant'), Type.Literal('refuse'), Type.Literal('withdraw'), Type.Literal('expire'), Type.Literal('reconfirm'), Type.Literal('notice-changed')]),
    method: Type.Union([Type.Literal('explicit-dashboard'), Type.Literal('consumer-request'), Type.Literal('automatic-expiry'), Type.Literal('notice-version')]),
    actor: Type.Union([Type.Literal('pii-principal'), Type.Literal('recipient'), Type.Literal('consent-manager')]),
    validUntil: Type.Optional(Instant),
    notice: Type.Optional(NoticeReference),
  },
  { additionalProperties: false },
);
export type ConsentEvent = Static<typeof ConsentEvent>;

export const ConsentRecord = Type.Object(
  {
    schemaVersion: Type.Literal(CONSENT_SCHEMA_VERSION),
    recordId: Text,
    piiPrincipalId: Text,
    consentManager: Did,
    notice: NoticeReference,
    purposes: Type.Array(ProcessingPurpose, { minItems: 1 }),
    parties: Type.Array(PartyIdentification),
    state: ConsentStateSchema,
    reconfirmationRequired: Type.Boolean(),
    validUntil: Type.Optional(Instant),
    events: Type.Array(ConsentEvent, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type ConsentRecord = Static<typeof ConsentRecord>;
export type NoticeReference = Static<typeof NoticeReference>;

export interface NewRecordInput {
  recordId: string;
  principalId: string;
  intermediaryDid: string;
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  offerId?: string | undefined;
  purpose: string;
  notice: NoticeReference;
  piiCategories: string[];
  withdrawalUrl: string;
  at: Date;
}

/** The record of a consent request, as the consumer asked for it (state `requested`). */
export function newRecord(i: NewRecordInput): ConsentRecord {
  return {
    schemaVersion: CONSENT_SCHEMA_VERSION,
    recordId: i.recordId,
    piiPrincipalId: i.principalId,
    consentManager: i.intermediaryDid,
    notice: i.notice,
    purposes: [
      {
        purpose: i.purpose,
        lawfulBasis: 'GDPR Art. 6(1)(a) consent',
        processing: ['transfer', 'use'],
        piiCategories: [...i.piiCategories],
        datasetId: i.datasetId,
        ...(i.offerId ? { offerId: i.offerId } : {}),
        controllers: [i.providerDid],
        recipients: [i.consumerDid],
        jurisdiction: 'EU',
        withdrawalMethod: i.withdrawalUrl,
      },
    ],
    parties: [
      { partyId: i.providerDid, role: 'pii-controller' },
      { partyId: i.consumerDid, role: 'recipient' },
      { partyId: i.intermediaryDid, role: 'consent-manager' },
    ],
    state: 'requested',
    reconfirmationRequired: false,
    events: [{ time: i.at.toISOString(), state: 'requested', action: 'request', method: 'consumer-request', actor: 'recipient', notice: i.notice }],
  };
}

const METHOD: Record<ConsentAction, ConsentEvent['method']> = {
  grant: 'explicit-dashboard',
  refuse: 'explicit-dashboard',
  withdraw: 'explicit-dashboard',
  reconfirm: 'explicit-dashboard',
  expire: 'automatic-expiry',
  'notice-changed': 'notice-version',
};

/**
 * The record after a change the state machine allowed: new state, the event appended, the validity and (on
 * reconfirmation) the notice the person now agreed to. Pure.
 */
export function applyEvent(record: ConsentRecord, change: { action: ConsentAction; state: ConsentState; reconfirmationRequired: boolean; at: Date; validUntil?: Date | undefined; notice?: NoticeReference | undefined }): { record: ConsentRecord; event: ConsentEvent } {
  const event: ConsentEvent = {
    time: change.at.toISOString(),
    state: change.state,
    action: change.action,
    method: METHOD[change.action],
    actor: METHOD[change.action] === 'explicit-dashboard' ? 'pii-principal' : 'consent-manager',
    ...(change.validUntil ? { validUntil: change.validUntil.toISOString() } : {}),
    ...(change.notice ? { notice: change.notice } : {}),
  };
  const takesNotice = change.action === 'reconfirm' || change.action === 'grant';
  const { validUntil: _previous, ...rest } = record;
  const validUntil = change.validUntil?.toISOString() ?? (change.state === 'granted' || change.state === 'expired' ? record.validUntil : undefined);
  const next: ConsentRecord = {
    ...rest,
    ...(takesNotice && change.notice ? { notice: change.notice } : {}),
    state: change.state,
    reconfirmationRequired: change.reconfirmationRequired,
    ...(validUntil ? { validUntil } : {}),
    events: [...record.events, event],
  };
  return { record: next, event };
}
