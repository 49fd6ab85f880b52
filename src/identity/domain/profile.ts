import { AppError, type FieldError } from '../../kernel/index.js';

export const ROLES = ['data-provider', 'data-consumer', 'service-provider', 'orchestrator', 'personal-data-intermediary'] as const;
export type Role = (typeof ROLES)[number];

/** What the node says about its operator in its self-description. */
export interface Profile {
  name: string;
  legalName: string;
  registrationNumber?: string;
  headquarters?: string;
  legalAddress?: string;
  roles: Role[];
  contact?: string;
}

export interface ProfileInput {
  name: string;
  legalName?: string | undefined;
  registrationNumber?: string | undefined;
  headquarters?: string | undefined;
  legalAddress?: string | undefined;
  roles: string[];
  contact?: string | undefined;
}

/** ISO 3166-2: two-letter country, a hyphen, up to three alphanumerics (FR-IDF, DE-BY, ES-M). */
export const SUBDIVISION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

/**
 * Validates and normalises a profile (legal name defaults to the node name, legal address to the headquarters).
 * `base` prefixes error paths (e.g. "/body").
 */
export function normaliseProfile(input: ProfileInput, base = ''): Profile {
  const errors: FieldError[] = [];
  const text = (field: string, v: string | undefined, max: number) => {
    if (v !== undefined && (v.trim() === '' || v.length > max)) errors.push({ path: `${base}/${field}`, message: `must be 1 to ${max} characters` });
  };
  text('name', input.name, 200);
  text('legalName', input.legalName, 300);
  text('registrationNumber', input.registrationNumber, 100);
  text('contact', input.contact, 300);
  for (const f of ['headquarters', 'legalAddress'] as const) {
    const v = input[f];
    if (v !== undefined && !SUBDIVISION.test(v)) errors.push({ path: `${base}/${f}`, message: 'must be an ISO 3166-2 subdivision code such as FR-IDF' });
  }
  input.roles.forEach((r, i) => {
    if (!(ROLES as readonly string[]).includes(r)) errors.push({ path: `${base}/roles/${i}`, message: `must be one of ${ROLES.join(', ')}` });
  });
  if (errors.length) throw new AppError('DS_HTTP_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  const legalAddress = input.legalAddress ?? input.headquarters;
  return {
    name: input.name,
    legalName: input.legalName ?? input.name,
    ...(input.registrationNumber !== undefined ? { registrationNumber: input.registrationNumber } : {}),
    ...(input.headquarters !== undefined ? { headquarters: input.headquarters } : {}),
    ...(legalAddress !== undefined ? { legalAddress } : {}),
    roles: [...new Set(input.roles)] as Role[],
    ...(input.contact !== undefined ? { contact: input.contact } : {}),
  };
}

export const sameProfile = (a: Profile, b: Profile): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const canonical = (p: Profile) => Object.fromEntries(Object.entries(p).sort(([x], [y]) => x.localeCompare(y)));
