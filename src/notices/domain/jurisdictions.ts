/** EU member states and the other EEA states (Iceland, Liechtenstein, Norway), ISO 3166-1 alpha-2 (GR for Greece). */
export const EEA = new Set(['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO']);

/**
 * Countries with a European Commission adequacy decision covering every recipient there (Art. 45). Canada's covers
 * only organisations under PIPEDA and the United States' only organisations certified under the Data Privacy
 * Framework: whether the recipient is covered cannot be read from its country, so they are not listed.
 */
export const ADEQUATE = new Set(['AD', 'AR', 'FO', 'GG', 'IL', 'IM', 'JP', 'JE', 'NZ', 'KR', 'CH', 'GB', 'UY']);

/**
 * The national supervisory authority of countries that have one for the private sector. Germany is absent on
 * purpose: each Land has its own authority, which the controller must name (DASES_SUPERVISORY_AUTHORITY).
 */
export const SUPERVISORY_AUTHORITIES: Record<string, { name: string; url: string }> = {
  FR: { name: 'Commission nationale de l’informatique et des libertés (CNIL)', url: 'https://www.cnil.fr' },
  BE: { name: 'Autorité de protection des données / Gegevensbeschermingsautoriteit', url: 'https://www.autoriteprotectiondonnees.be' },
  LU: { name: 'Commission nationale pour la protection des données (CNPD)', url: 'https://cnpd.public.lu' },
  IE: { name: 'Data Protection Commission', url: 'https://www.dataprotection.ie' },
  IT: { name: 'Garante per la protezione dei dati personali', url: 'https://www.garanteprivacy.it' },
  ES: { name: 'Agencia Española de Protección de Datos (AEPD)', url: 'https://www.aepd.es' },
  NL: { name: 'Autoriteit Persoonsgegevens', url: 'https://www.autoriteitpersoonsgegevens.nl' },
  PT: { name: 'Comissão Nacional de Proteção de Dados (CNPD)', url: 'https://www.cnpd.pt' },
  AT: { name: 'Datenschutzbehörde', url: 'https://www.dsb.gv.at' },
  PL: { name: 'Urząd Ochrony Danych Osobowych (UODO)', url: 'https://uodo.gov.pl' },
  SE: { name: 'Integritetsskyddsmyndigheten (IMY)', url: 'https://www.imy.se' },
  DK: { name: 'Datatilsynet', url: 'https://www.datatilsynet.dk' },
  FI: { name: 'Tietosuojavaltuutetun toimisto', url: 'https://tietosuoja.fi' },
  NO: { name: 'Datatilsynet', url: 'https://www.datatilsynet.no' },
};

/** The country of an ISO 3166-2 subdivision (FR-IDF) or an ISO 3166-1 code (FR). */
export const countryOf = (code: string | undefined): string | undefined => (code && /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(code) ? code.slice(0, 2) : undefined);

/**
 * The countries an ODRL `spatial` value names: an ISO 3166 code or its ISO Online Browsing Platform IRI (as our
 * policy templates write them), 'EU' and 'EEA' as groups. Undefined when the value is none of these.
 */
export function countriesOfArea(value: string): string[] | undefined {
  const v = value.trim();
  if (/^(EU|EEA)$/i.test(v)) return [...EEA].filter((c) => v.toUpperCase() === 'EEA' || !['IS', 'LI', 'NO'].includes(c));
  const m = /(?:iso:code:3166:|^)([A-Za-z]{2})(?:-[A-Za-z0-9]{1,3})?$/.exec(v);
  return m?.[1] ? [m[1].toUpperCase()] : undefined;
}
