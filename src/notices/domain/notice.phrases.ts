import type { Right } from './notice.js';

/** The sentences of a notice in one language. Short, second person, no legal jargon beyond the article numbers. */
export interface Phrases {
  title(dataset: string): string;
  version(n: number, at: Date, hash: string): string;
  headings: Record<string, string>;
  controller(name: string, did: string, country: string | undefined): string;
  contact(contact: string): string;
  dpo(contact: string): string;
  purpose(recipient: string, dataset: string, purposes: string[]): string;
  legalBasis: string;
  explicitConsent: string;
  categories(list: string[]): string;
  special: string;
  noSpecial: string;
  recipient(name: string, did: string, country: string | undefined): string;
  restriction(operator: string, values: string[]): string;
  insideEea: string;
  outside(countries: string[]): string;
  adequate: string;
  noAdequacy: string;
  areas(operator: string, areas: string[]): string;
  duration(iso: string): string;
  keptFor(period: string): string;
  deleteAfter(period: string, from: 'contract-signature' | 'data-receipt' | undefined): string;
  right: Record<Right, string>;
  rights(list: string[]): string;
  rightsOnline(url: string): string;
  rightsContact(contact: string): string;
  withdraw: string;
  withdrawHow(url: string): string;
  withdrawEffect: string;
  complaint(authority: string, url: string | undefined): string;
  complaintAnywhere: string;
  notObliged: string;
  refuse(recipient: string): string;
  noAutomated: string;
  automated(description: string): string;
  notGiven: Record<'contact' | 'dpo' | 'categories' | 'special' | 'transfers' | 'retention' | 'withdrawal' | 'complaint' | 'automated', string>;
}

const list = (items: string[], and: string) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`);
const quoted = (items: string[], open: string, close: string) => items.map((i) => `${open}${i}${close}`);
const NEGATIVE = new Set(['neq', 'isNoneOf']);

/** P1Y2M10DT2H -> "1 year, 2 months, 10 days, 2 hours" in the given words. */
function durationIn(iso: string, units: Record<'Y' | 'Mo' | 'D' | 'H' | 'Mi' | 'S', [string, string]>, and: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) return iso;
  const days = (Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0)) || undefined;
  const parts: Array<[number | undefined, [string, string]]> = [[Number(m[1]) || undefined, units.Y], [Number(m[2]) || undefined, units.Mo], [days, units.D], [Number(m[5]) || undefined, units.H], [Number(m[6]) || undefined, units.Mi], [Number(m[7]) || undefined, units.S]];
  const words = parts.filter(([n]) => n !== undefined).map(([n, [one, many]]) => `${n} ${n === 1 ? one : many}`);
  return words.length ? list(words, and) : iso;
}

const en: Phrases = {
  title: (d) => `Privacy notice: ${d}`,
  version: (n, at, hash) => `Version ${n} of ${at.toISOString().slice(0, 10)} (${hash})`,
  headings: { controller: 'Who is responsible for your data', dpo: 'Data protection officer', purposes: 'Why your data is used', data: 'Which data', recipients: 'Who receives your data', transfers: 'Transfers outside Europe', retention: 'How long your data is kept', rights: 'Your rights', withdrawal: 'Withdrawing your consent', complaint: 'Making a complaint', requirement: 'Do you have to agree?', automated: 'Automated decisions' },
  controller: (name, did, country) => `${name} (${did})${country ? `, established in ${country},` : ''} is responsible for your data (the controller).`,
  contact: (c) => `You can contact them at ${c}.`,
  dpo: (c) => `You can contact their data protection officer at ${c}.`,
  purpose: (r, d, ps) => `${r} asks to receive your data from “${d}” for this purpose: ${list(quoted(ps, '“', '”'), 'and')}.`,
  legalBasis: 'Your data is shared only if you consent (GDPR Art. 6(1)(a)).',
  explicitConsent: 'Because it includes sensitive data, your explicit consent is needed (GDPR Art. 9(2)(a)).',
  categories: (l) => `The data concerned: ${list(l, 'and')}.`,
  special: 'It includes sensitive data (such as health, origin or beliefs: GDPR Art. 9).',
  noSpecial: 'It includes no sensitive data (such as health, origin or beliefs).',
  recipient: (n, did, country) => `${n === did ? did : `${n} (${did})`}${country ? `, established in ${country},` : ''} receives your data.`,
  restriction: (op, v) => (NEGATIVE.has(op) ? `The offer excludes these recipients: ${list(v, 'and')}.` : `The offer allows only these recipients: ${list(v, 'or')}.`),
  insideEea: 'Your data stays in the European Economic Area.',
  outside: (cs) => `Your data may go outside the European Economic Area, to ${list(cs, 'and')}.`,
  adequate: 'The European Commission has decided that these countries protect personal data adequately.',
  noAdequacy: 'No decision of the European Commission covers these countries: ask the controller how your data is protected there.',
  areas: (op, as) => (NEGATIVE.has(op) ? `The recipient may not use your data in ${list(as, 'or')}.` : `The recipient may use your data only in ${list(as, 'or')}.`),
  duration: (iso) => durationIn(iso, { Y: ['year', 'years'], Mo: ['month', 'months'], D: ['day', 'days'], H: ['hour', 'hours'], Mi: ['minute', 'minutes'], S: ['second', 'seconds'] }, 'and'),
  keptFor: (p) => `Your data is kept for ${p}.`,
  deleteAfter: (p, from) => `The recipient must delete your data ${p} after ${from === 'data-receipt' ? 'receiving it' : from === 'contract-signature' ? 'the agreement is signed' : 'the agreement'}.`,
  right: { access: 'see your data', rectification: 'have it corrected', erasure: 'have it erased', restriction: 'limit its use', portability: 'take a copy with you (portability)' },
  rights: (l) => `You can ${list(l, 'and')}.`,
  rightsOnline: (u) => `Use your dashboard to do so: ${u}.`,
  rightsContact: (c) => `You can also write to the controller: ${c}.`,
  withdraw: 'You can withdraw your consent at any time, as easily as you gave it.',
  withdrawHow: (u) => `Withdraw it on your dashboard: ${u}.`,
  withdrawEffect: 'After you withdraw it, your data is no longer sent; what was done before remains lawful.',
  complaint: (a, u) => `You can complain to a data protection authority, for example ${a}${u ? `, ${u}` : ''}.`,
  complaintAnywhere: 'You can also complain where you live or work.',
  notObliged: 'No. No law or contract requires you to consent.',
  refuse: (r) => `If you refuse, nothing happens to you: ${r} simply does not receive your data.`,
  noAutomated: 'No decision about you is made by a machine alone.',
  automated: (d) => `Decisions about you are made automatically: ${d}`,
  notGiven: {
    contact: 'The controller has not given contact details yet.',
    dpo: 'The controller has not given the contact of a data protection officer.',
    categories: 'The controller has not said which data is concerned.',
    special: 'The controller has not said whether sensitive data is included.',
    transfers: 'The controller has not said whether your data leaves Europe.',
    retention: 'The controller has not said how long your data is kept.',
    withdrawal: 'The address where you can withdraw your consent is not known.',
    complaint: 'The controller has not named a data protection authority.',
    automated: 'The controller has not said whether decisions are made automatically.',
  },
};

const fr: Phrases = {
  title: (d) => `Information sur vos données : ${d}`,
  version: (n, at, hash) => `Version ${n} du ${at.toISOString().slice(0, 10).split('-').reverse().join('/')} (${hash})`,
  headings: { controller: 'Qui est responsable de vos données', dpo: 'Délégué à la protection des données', purposes: 'Pourquoi vos données sont utilisées', data: 'Quelles données', recipients: 'Qui reçoit vos données', transfers: 'Transferts hors d’Europe', retention: 'Combien de temps vos données sont gardées', rights: 'Vos droits', withdrawal: 'Retirer votre consentement', complaint: 'Faire une réclamation', requirement: 'Êtes-vous obligé d’accepter ?', automated: 'Décisions automatisées' },
  controller: (name, did, country) => `${name} (${did}${country ? `, siège : ${country}` : ''}) est responsable de vos données (le responsable du traitement).`,
  contact: (c) => `Vous pouvez le contacter : ${c}.`,
  dpo: (c) => `Vous pouvez contacter son délégué à la protection des données : ${c}.`,
  purpose: (r, d, ps) => `${r} demande à recevoir vos données de « ${d} » pour cette finalité : ${list(quoted(ps, '« ', ' »'), 'et')}.`,
  legalBasis: 'Vos données ne sont transmises que si vous y consentez (RGPD, art. 6, paragraphe 1, a).',
  explicitConsent: 'Comme elles comprennent des données sensibles, votre consentement explicite est nécessaire (RGPD, art. 9, paragraphe 2, a).',
  categories: (l) => `Les données concernées : ${list(l, 'et')}.`,
  special: 'Elles comprennent des données sensibles (comme la santé, l’origine ou les convictions : RGPD, art. 9).',
  noSpecial: 'Elles ne comprennent pas de données sensibles (comme la santé, l’origine ou les convictions).',
  recipient: (n, did, country) => `${n === did ? did : `${n} (${did}${country ? `, siège : ${country}` : ''})`} reçoit vos données.`,
  restriction: (op, v) => (NEGATIVE.has(op) ? `L’offre exclut ces destinataires : ${list(v, 'et')}.` : `L’offre n’autorise que ces destinataires : ${list(v, 'ou')}.`),
  insideEea: 'Vos données restent dans l’Espace économique européen.',
  outside: (cs) => `Vos données peuvent sortir de l’Espace économique européen, vers : ${list(cs, 'et')}.`,
  adequate: 'La Commission européenne a reconnu que ces pays protègent les données personnelles de façon adéquate.',
  noAdequacy: 'Aucune décision de la Commission européenne ne couvre ces pays : demandez au responsable comment vos données y sont protégées.',
  areas: (op, as) => (NEGATIVE.has(op) ? `Le destinataire ne peut pas utiliser vos données dans ces lieux : ${list(as, 'ou')}.` : `Le destinataire ne peut utiliser vos données que dans ces lieux : ${list(as, 'ou')}.`),
  duration: (iso) => durationIn(iso, { Y: ['an', 'ans'], Mo: ['mois', 'mois'], D: ['jour', 'jours'], H: ['heure', 'heures'], Mi: ['minute', 'minutes'], S: ['seconde', 'secondes'] }, 'et'),
  keptFor: (p) => `Vos données sont gardées ${p}.`,
  deleteAfter: (p, from) => `Le destinataire doit effacer vos données ${p} après ${from === 'data-receipt' ? 'les avoir reçues' : from === 'contract-signature' ? 'la signature de l’accord' : 'l’accord'}.`,
  right: { access: 'consulter vos données', rectification: 'les faire corriger', erasure: 'les faire effacer', restriction: 'en limiter l’utilisation', portability: 'en emporter une copie (portabilité)' },
  rights: (l) => `Vous pouvez ${list(l, 'et')}.`,
  rightsOnline: (u) => `Pour cela, utilisez votre tableau de bord : ${u}.`,
  rightsContact: (c) => `Vous pouvez aussi écrire au responsable : ${c}.`,
  withdraw: 'Vous pouvez retirer votre consentement à tout moment, aussi simplement que vous l’avez donné.',
  withdrawHow: (u) => `Retirez-le sur votre tableau de bord : ${u}.`,
  withdrawEffect: 'Après le retrait, vos données ne sont plus transmises ; ce qui a été fait avant reste légal.',
  complaint: (a, u) => `Vous pouvez faire une réclamation auprès d’une autorité de protection des données, par exemple ${a}${u ? `, ${u}` : ''}.`,
  complaintAnywhere: 'Vous pouvez aussi le faire là où vous vivez ou travaillez.',
  notObliged: 'Non. Aucune loi ni aucun contrat ne vous oblige à consentir.',
  refuse: (r) => `Si vous refusez, il ne vous arrive rien : ${r} ne reçoit simplement pas vos données.`,
  noAutomated: 'Aucune décision vous concernant n’est prise par une machine seule.',
  automated: (d) => `Des décisions vous concernant sont prises automatiquement : ${d}`,
  notGiven: {
    contact: 'Le responsable n’a pas encore donné ses coordonnées.',
    dpo: 'Le responsable n’a pas donné le contact d’un délégué à la protection des données.',
    categories: 'Le responsable n’a pas indiqué quelles données sont concernées.',
    special: 'Le responsable n’a pas indiqué si des données sensibles sont incluses.',
    transfers: 'Le responsable n’a pas indiqué si vos données sortent d’Europe.',
    retention: 'Le responsable n’a pas indiqué combien de temps vos données sont gardées.',
    withdrawal: 'L’adresse où retirer votre consentement n’est pas connue.',
    complaint: 'Le responsable n’a pas indiqué d’autorité de protection des données.',
    automated: 'Le responsable n’a pas indiqué si des décisions sont prises automatiquement.',
  },
};

export const phrases: Record<'fr' | 'en', Phrases> = { en, fr };
