import { ADEQUATE, EEA, SUPERVISORY_AUTHORITIES, countriesOfArea, countryOf } from './jurisdictions.js';
import type { MissingField, NoticeContent, NoticeParty } from './notice.js';
import { durationDays, type PolicyFacts } from './policy-facts.js';

/** Everything a notice is made of, as read from the catalog, the offer, the node's profile and the participants. */
export interface NoticeFacts {
  processing: NoticeContent['processing'];
  dataset: { id: string; title: Record<string, string>; personalData?: { categories: string[]; retentionDays?: number; automatedDecisions?: string; specialCategories?: boolean } };
  controller: { did: string; legalName: string; legalAddress?: string; headquarters?: string; contact?: string };
  dpoContact?: string;
  /** Configured by the controller (DASES_SUPERVISORY_AUTHORITY): wins over the one derived from the headquarters. */
  supervisoryAuthority?: string;
  /** The consumer as this node's participant registry knows it (undefined: not a known participant). */
  consumer: { did: string; legalName?: string; country?: string } | undefined;
  policy: PolicyFacts;
  intermediary: { did: string; withdrawUrl?: string };
}

const RIGHTS: NoticeContent['rights']['rights'] = ['access', 'rectification', 'erasure', 'restriction', 'portability'];
const isNone = (s: string) => /^(none|no|aucune?|non)$/i.test(s.trim());

/** Content and missing fields of a notice: pure, so the same facts always give the same content (and hash). */
export function buildNotice(f: NoticeFacts): { content: NoticeContent; missing: MissingField[] } {
  const missing: MissingField[] = [];
  const flag = (field: string, message: string) => missing.push({ field, message });
  const pd = f.dataset.personalData;

  const controllerCountry = countryOf(f.controller.headquarters) ?? countryOf(f.controller.legalAddress);
  const controller: NoticeContent['controller'] = { did: f.controller.did, legalName: f.controller.legalName };
  const legalAddress = f.controller.legalAddress ?? f.controller.headquarters;
  if (legalAddress) controller.legalAddress = legalAddress;
  if (controllerCountry) controller.country = controllerCountry;
  if (f.controller.contact) controller.contact = f.controller.contact;
  else flag('/controller/contact', "the controller's contact details are not set: set DASES_CONTACT (or the profile's contact) to an e-mail address or URL");

  const dpo: NoticeContent['dpo'] = f.dpoContact ? { contact: f.dpoContact } : {};
  if (!f.dpoContact) flag('/dpo/contact', "the data protection officer's contact is not set: set DASES_DPO_CONTACT");

  const purposes: NoticeContent['purposes'] = { purposes: [f.processing.purpose], legalBasis: 'consent', article: 'GDPR Art. 6(1)(a)', ...(pd?.specialCategories ? { specialCategoriesArticle: 'GDPR Art. 9(2)(a)' as const } : {}) };

  const party: NoticeParty = { did: f.processing.consumerDid };
  if (f.consumer?.legalName) party.legalName = f.consumer.legalName;
  else flag('/recipients/parties/0/legalName', `the legal name of the recipient ${f.processing.consumerDid} is unknown: add it as a trusted participant (its self-description gives its legal name)`);
  if (f.consumer?.country) party.country = f.consumer.country;

  const transfers = internationalTransfers(party.country, f.policy, flag);
  const retention = retentionOf(f, flag);

  const rights: NoticeContent['rights'] = { rights: [...RIGHTS] };
  if (f.intermediary.withdrawUrl) rights.dashboardUrl = f.intermediary.withdrawUrl;
  if (controller.contact) rights.contact = controller.contact;
  const withdrawal: NoticeContent['withdrawal'] = { intermediaryDid: f.intermediary.did, ...(f.intermediary.withdrawUrl ? { url: f.intermediary.withdrawUrl } : {}) };
  if (!f.intermediary.withdrawUrl) flag('/withdrawal/url', 'the address where people withdraw their consent (the intermediary’s dashboard) is unknown');

  const complaint = complaintOf(f.supervisoryAuthority, controllerCountry, flag);

  const automatedDecisions: NoticeContent['automatedDecisions'] = {};
  if (pd?.automatedDecisions === undefined) flag('/automatedDecisions', 'whether automated decisions (profiling included) are made is not declared: set personalData.automatedDecisions on the dataset ("none" when there are none)');
  else if (isNone(pd.automatedDecisions)) automatedDecisions.exists = false;
  else Object.assign(automatedDecisions, { exists: true, description: pd.automatedDecisions });

  const personalData: NoticeContent['personalData'] = { categories: pd?.categories ?? [] };
  if (!pd || pd.categories.length === 0) flag('/personalData/categories', 'the categories of personal data are not declared: set personalData.categories on the dataset');
  if (pd?.specialCategories !== undefined) personalData.specialCategories = pd.specialCategories;
  else flag('/personalData/specialCategories', 'whether special categories of personal data (GDPR Art. 9) are included is not declared: set personalData.specialCategories on the dataset');

  const content: NoticeContent = {
    type: 'dases:PrivacyNotice',
    schemaVersion: 1,
    processing: f.processing,
    dataset: { id: f.dataset.id, title: f.dataset.title },
    controller,
    dpo,
    purposes,
    legitimateInterests: { applicable: false },
    recipients: { parties: [party], policyRestrictions: f.policy.recipients },
    internationalTransfers: transfers,
    retention,
    rights,
    withdrawal,
    complaint,
    requirement: { statutory: false, contractual: false, obliged: false },
    automatedDecisions,
    personalData,
  };
  return { content, missing };
}

type Flag = (field: string, message: string) => void;

/**
 * Outside the EEA when the recipient is established outside it, or when the offer lets it use the data in an area
 * outside it. Unknown (and flagged) when the recipient's country or an area of the policy cannot be read.
 */
function internationalTransfers(recipientCountry: string | undefined, policy: PolicyFacts, flag: Flag): NoticeContent['internationalTransfers'] {
  const out: NoticeContent['internationalTransfers'] = { countriesOutsideEea: [], policyAreas: policy.areas };
  const outside = new Set<string>();
  let unknown = recipientCountry === undefined;
  if (recipientCountry && !EEA.has(recipientCountry)) outside.add(recipientCountry);
  for (const area of policy.areas) {
    if (area.operator !== 'eq' && area.operator !== 'isAnyOf' && area.operator !== 'isPartOf') continue;
    for (const v of area.values) {
      const countries = countriesOfArea(v);
      if (!countries) unknown = true;
      else for (const c of countries) if (!EEA.has(c)) outside.add(c);
    }
  }
  out.countriesOutsideEea = [...outside].sort();
  if (outside.size > 0) {
    out.outsideEea = true;
    out.adequacyDecision = [...outside].every((c) => ADEQUATE.has(c));
    if (!out.adequacyDecision) flag('/internationalTransfers/safeguards', `data may go to ${out.countriesOutsideEea.join(', ')}, outside the EEA and without an adequacy decision covering every recipient: state the safeguards (GDPR Art. 46) or restrict the offer's spatial constraint`);
  } else if (unknown) flag('/internationalTransfers/outsideEea', recipientCountry === undefined ? "the recipient's country is unknown (its self-description gives no headquarters): whether data leaves the EEA cannot be stated" : "an area of the offer's spatial constraint is not an ISO 3166 code: whether data leaves the EEA cannot be stated");
  else out.outsideEea = false;
  return out;
}

function retentionOf(f: NoticeFacts, flag: Flag): NoticeContent['retention'] {
  const fromPolicy = f.policy.retention;
  if (fromPolicy) {
    const days = durationDays(fromPolicy.duration);
    return { duration: fromPolicy.duration, ...(days !== undefined ? { days } : {}), ...(fromPolicy.from ? { from: fromPolicy.from } : {}), source: 'policy' };
  }
  const days = f.dataset.personalData?.retentionDays;
  if (days !== undefined) return { duration: `P${days}D`, days, source: 'dataset' };
  flag('/retention/duration', "how long the data is kept is not stated: add a delete duty with an elapsedTime to the offer's policy, or set personalData.retentionDays on the dataset");
  return {};
}

function complaintOf(configured: string | undefined, country: string | undefined, flag: Flag): NoticeContent['complaint'] {
  if (configured) return { authority: configured, source: 'configuration' };
  const known = country ? SUPERVISORY_AUTHORITIES[country] : undefined;
  if (known) return { authority: known.name, url: known.url, source: 'headquarters' };
  flag('/complaint/authority', country ? `no single supervisory authority is known for ${country}: set DASES_SUPERVISORY_AUTHORITY` : 'the supervisory authority cannot be derived (no headquarters in the profile): set DASES_SUPERVISORY_AUTHORITY or DASES_HEADQUARTERS');
  return {};
}
