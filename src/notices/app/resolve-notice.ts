import { datasetUuidOf } from '../../dsp/index.js';
import { AppError, contentHash, type Clock, type IdGenerator } from '../../kernel/index.js';
import { parsePolicy } from '../../policy/index.js';
import { buildNotice, type NoticeFacts } from '../domain/notice.builder.js';
import type { NoticeContent, PrivacyNotice } from '../domain/notice.js';
import { policyFacts, purposePermitted } from '../domain/policy-facts.js';
import type { NodeProfile, NoticesCatalog, NoticeStore, NoticesParticipants } from './ports.js';

export interface ResolveInput {
  datasetId: string;
  /** `urn:uuid:…` as the DSP catalog gives it (a bare UUID is accepted); may be omitted when the dataset has one offer. */
  offerId?: string | undefined;
  consumerDid: string;
  purpose: string;
  intermediary: { did: string; withdrawUrl?: string | undefined };
}

/** 'sha256:' + hex SHA-256 of the RFC 8785 canonical JSON of a notice's content: what a consent refers to. */
export const noticeHash = (content: NoticeContent): string => `sha256:${contentHash(content)}`;

const fail = (code: 'DS_NOTICE_DATASET_NOT_FOUND' | 'DS_NOTICE_NOT_PERSONAL_DATA' | 'DS_NOTICE_OFFER_NOT_FOUND' | 'DS_NOTICE_OFFER_AMBIGUOUS' | 'DS_NOTICE_POLICY_UNREADABLE' | 'DS_NOTICE_PURPOSE_NOT_PERMITTED', path: string, message: string) =>
  new AppError(code, `${path}: ${message}`, [{ path, message }]);
const offerKey = (id: string) => id.toLowerCase().replace(/^urn:uuid:/, '');

/** A participant's self-description as src/participants stores it (the verified gx:LegalPerson subject). */
function consumerOf(p: Awaited<ReturnType<NoticesParticipants['get']>>): NoticeFacts['consumer'] {
  if (!p) return undefined;
  const sd = (typeof p.selfDescription === 'object' && p.selfDescription !== null ? p.selfDescription : {}) as Record<string, unknown>;
  const countryIn = (a: unknown) => (typeof a === 'object' && a !== null && typeof (a as Record<string, unknown>)['gx:countryCode'] === 'string' ? ((a as Record<string, unknown>)['gx:countryCode'] as string) : undefined);
  const legalName = typeof sd['gx:legalName'] === 'string' ? sd['gx:legalName'] : p.name;
  const country = countryIn(sd['gx:headquartersAddress']) ?? countryIn(sd['gx:legalAddress']);
  return { did: p.did, ...(legalName ? { legalName } : {}), ...(country ? { country: country.toUpperCase() } : {}) };
}

export interface ResolveDeps {
  clock: Clock;
  ids: IdGenerator;
  node: { did: string };
  profile: () => Promise<NodeProfile>;
  dpoContact?: string | undefined;
  supervisoryAuthority?: string | undefined;
  catalog: NoticesCatalog;
  participants: NoticesParticipants;
  store: NoticeStore;
}

/**
 * The current notice version for a processing. Everything is read first, then one short transaction compares the
 * content hash with the current version's and writes a new version only when it differs. Error paths name the
 * input's fields (`/datasetId`); the route places them under `/body`.
 */
export async function resolveNotice(deps: ResolveDeps, input: ResolveInput): Promise<PrivacyNotice> {
  // DSP names datasets `urn:uuid:<id>` (agreements, consents); the catalog by the uuid.
  const offered = await deps.catalog.getOfferedDataset(datasetUuidOf(input.datasetId) ?? input.datasetId);
  if (!offered) throw fail('DS_NOTICE_DATASET_NOT_FOUND', '/datasetId', `no offered dataset ${input.datasetId}`);
  const { dataset } = offered;
  if (!dataset.containsPersonalData) throw fail('DS_NOTICE_NOT_PERSONAL_DATA', '/datasetId', 'the dataset is not declared as containing personal data');
  let offer = offered.offers[0];
  if (input.offerId !== undefined) {
    offer = offered.offers.find((o) => offerKey(o.id) === offerKey(input.offerId!));
    if (!offer) throw fail('DS_NOTICE_OFFER_NOT_FOUND', '/offerId', `the dataset has no offer ${input.offerId}`);
  } else if (offered.offers.length > 1) {
    throw fail('DS_NOTICE_OFFER_AMBIGUOUS', '/offerId', `the dataset has ${offered.offers.length} offers (${offered.offers.map((o) => o.id).join(', ')}): name one`);
  }
  if (!offer) throw fail('DS_NOTICE_DATASET_NOT_FOUND', '/datasetId', 'the dataset is no longer offered');
  const parsed = await parsePolicy(offer.policy);
  if (!parsed.ok) throw fail('DS_NOTICE_POLICY_UNREADABLE', '/offerId', `the offer's policy cannot be read: ${parsed.error.message}`);
  if (!purposePermitted(parsed.value.policy, input.purpose)) throw fail('DS_NOTICE_PURPOSE_NOT_PERMITTED', '/purpose', `the offer's policy does not permit the purpose "${input.purpose}"`);
  const [profile, consumer] = await Promise.all([deps.profile(), deps.participants.get(input.consumerDid)]);
  const facts: NoticeFacts = {
    processing: { datasetId: dataset.id, offerId: offer.id, consumerDid: input.consumerDid, purpose: input.purpose },
    dataset: { id: dataset.id, title: dataset.title, ...(dataset.personalData ? { personalData: dataset.personalData } : {}) },
    controller: { did: deps.node.did, legalName: profile.legalName, ...defined({ legalAddress: profile.legalAddress, headquarters: profile.headquarters, contact: profile.contact }) },
    ...defined({ dpoContact: deps.dpoContact, supervisoryAuthority: deps.supervisoryAuthority }),
    consumer: consumerOf(consumer),
    policy: policyFacts(parsed.value.policy),
    intermediary: { did: input.intermediary.did, ...defined({ withdrawUrl: input.intermediary.withdrawUrl }) },
  };
  const { content, missing } = buildNotice(facts);
  const key = { datasetId: dataset.id, offerId: offer.id, consumerDid: input.consumerDid, purpose: input.purpose, intermediaryDid: input.intermediary.did };
  return deps.store.record(key, { hash: noticeHash(content), content, missing }, deps.clock.now(), () => deps.ids.uuid());
}

/** The properties whose value is not undefined (exactOptionalPropertyTypes-friendly spreading). */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
