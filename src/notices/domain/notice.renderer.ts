import type { NoticeContent, PrivacyNotice, Right } from './notice.js';
import { phrases, type Phrases } from './notice.phrases.js';

export type NoticeLanguage = 'fr' | 'en';

export interface NoticeSection {
  /** Stable id (the dashboard links and styles by it), e.g. `controller`, `withdrawal`. */
  id: string;
  /** The GDPR provision the section answers, e.g. "Art. 13(2)(c)". */
  article: string;
  heading: string;
  sentences: string[];
}

export interface RenderedNotice {
  language: NoticeLanguage;
  title: string;
  /** "Version 2 of 24/11/2026" with the content hash, so a person can quote exactly what they read. */
  versionLine: string;
  sections: NoticeSection[];
}

const textIn = (map: Record<string, string>, lang: NoticeLanguage): string => map[lang] ?? map.und ?? Object.values(map)[0] ?? '';

/** Plain-language French or English text of a notice: sections with headings and short sentences, for people. */
export function renderNotice(notice: PrivacyNotice, lang: NoticeLanguage): RenderedNotice {
  const p = phrases[lang];
  const c = notice.content;
  const region = new Intl.DisplayNames([lang], { type: 'region' });
  const country = (code: string) => region.of(code) ?? code;
  const recipient = c.recipients.parties[0];
  const recipientName = recipient?.legalName ?? recipient?.did ?? c.processing.consumerDid;
  const section = (id: string, article: string, sentences: Array<string | undefined | false>): NoticeSection => ({ id, article, heading: p.headings[id] ?? id, sentences: sentences.filter((s): s is string => typeof s === 'string') });
  const sections: NoticeSection[] = [
    section('controller', 'Art. 13(1)(a)', [
      p.controller(c.controller.legalName, c.controller.did, c.controller.country && country(c.controller.country)),
      c.controller.contact ? p.contact(c.controller.contact) : p.notGiven.contact,
    ]),
    section('dpo', 'Art. 13(1)(b)', [c.dpo.contact ? p.dpo(c.dpo.contact) : p.notGiven.dpo]),
    section('purposes', 'Art. 13(1)(c)', [p.purpose(recipientName, textIn(c.dataset.title, lang), c.purposes.purposes), p.legalBasis, c.purposes.specialCategoriesArticle && p.explicitConsent]),
    section('data', 'Art. 14(1)(d)', [
      c.personalData.categories.length ? p.categories(c.personalData.categories) : p.notGiven.categories,
      c.personalData.specialCategories === undefined ? p.notGiven.special : c.personalData.specialCategories ? p.special : p.noSpecial,
    ]),
    section('recipients', 'Art. 13(1)(e)', [p.recipient(recipientName, recipient?.did ?? c.processing.consumerDid, recipient?.country && country(recipient.country)), ...c.recipients.policyRestrictions.map((r) => p.restriction(r.operator, r.values))]),
    section('transfers', 'Art. 13(1)(f)', [
      c.internationalTransfers.outsideEea === undefined ? p.notGiven.transfers : c.internationalTransfers.outsideEea ? p.outside(c.internationalTransfers.countriesOutsideEea.map(country)) : p.insideEea,
      c.internationalTransfers.outsideEea === true && (c.internationalTransfers.adequacyDecision ? p.adequate : p.noAdequacy),
      ...c.internationalTransfers.policyAreas.map((a) => p.areas(a.operator, a.values.map((v) => areaName(v, country)))),
    ]),
    section('retention', 'Art. 13(2)(a)', [retention(c.retention, p)]),
    section('rights', 'Art. 13(2)(b)', [p.rights(c.rights.rights.map((r: Right) => p.right[r])), c.rights.dashboardUrl && p.rightsOnline(c.rights.dashboardUrl), c.rights.contact && p.rightsContact(c.rights.contact)]),
    section('withdrawal', 'Art. 13(2)(c)', [p.withdraw, c.withdrawal.url ? p.withdrawHow(c.withdrawal.url) : p.notGiven.withdrawal, p.withdrawEffect]),
    section('complaint', 'Art. 13(2)(d)', [c.complaint.authority ? p.complaint(c.complaint.authority, c.complaint.url) : p.notGiven.complaint, p.complaintAnywhere]),
    section('requirement', 'Art. 13(2)(e)', [p.notObliged, p.refuse(recipientName)]),
    section('automated', 'Art. 13(2)(f)', [c.automatedDecisions.exists === undefined ? p.notGiven.automated : c.automatedDecisions.exists ? p.automated(c.automatedDecisions.description ?? '') : p.noAutomated]),
  ];
  return { language: lang, title: p.title(textIn(c.dataset.title, lang)), versionLine: p.version(notice.version, new Date(notice.createdAt), notice.hash), sections };
}

/** An ISO 3166 code or its IRI as a country name; anything else as written. */
function areaName(value: string, country: (code: string) => string): string {
  const m = /(?:iso:code:3166:|^)([A-Za-z]{2})(-[A-Za-z0-9]{1,3})?$/.exec(value);
  return m?.[1] && !/^(EU)$/i.test(value) ? `${country(m[1].toUpperCase())}${m[2] ? ` (${m[1].toUpperCase()}${m[2].toUpperCase()})` : ''}` : value;
}

function retention(r: NoticeContent['retention'], p: Phrases): string {
  if (!r.duration) return p.notGiven.retention;
  const period = p.duration(r.duration);
  if (r.source === 'dataset') return p.keptFor(period);
  return p.deleteAfter(period, r.from);
}
