import { err, ok, type FieldError, type Result } from '../../kernel/index.js';
import { validatePolicyStructure } from '../../policy/index.js';
import { unknownFields } from './distribution.parser.js';
import { toLanguageMap, type LanguageMap } from './language-map.js';

export interface Pricing {
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
  period?: 'one-off' | 'month' | 'year';
}

export interface OfferingContent {
  title: LanguageMap;
  description: LanguageMap;
  datasets: string[];
  services: string[];
  /** The ODRL offer policy as the operator wrote it (JSON-LD compact). */
  policy: Record<string, unknown>;
  pricing?: Pricing;
}

export interface Offering extends OfferingContent {
  id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const OFFERING_FIELDS = ['title', 'description', 'datasets', 'services', 'policy', 'pricing', 'version'];

/** Validates an offering body; that the referenced ids exist is checked by the use case, in the write's transaction. */
export function parseOfferingInput(input: unknown): Result<OfferingContent, FieldError[]> {
  if (!isObject(input)) return err([{ path: '', message: 'must be a JSON object' }]);
  const errors: FieldError[] = [];
  unknownFields(input, OFFERING_FIELDS, '', errors);
  const title = toLanguageMap(input.title, '/title', errors, { required: false });
  const description = toLanguageMap(input.description, '/description', errors, { required: false });
  const datasets = idList(input.datasets, '/datasets', errors);
  const services = idList(input.services, '/services', errors);
  if (input.datasets === undefined && input.services === undefined) errors.push({ path: '/datasets', message: 'an offering bundles at least one dataset or service' });
  else if (datasets.length + services.length === 0 && !errors.some((e) => /^\/(datasets|services)/.test(e.path))) errors.push({ path: '/datasets', message: 'an offering bundles at least one dataset or service' });
  let policy: Record<string, unknown> = {};
  if (!isObject(input.policy)) errors.push({ path: '/policy', message: 'is required: an ODRL offer policy (JSON-LD object)' });
  else {
    policy = input.policy;
    // Operators writing a policy without a profile get the strict check, so typos in left operands are caught.
    const leftOperands = policy.profile === undefined ? 'known-or-iri' : 'profile-terms';
    for (const e of validatePolicyStructure(policy, { leftOperands })) errors.push({ path: `/policy${e.path}`, message: e.message });
  }
  const pricing = parsePricing(input.pricing, errors);
  if (input.version !== undefined && !(Number.isInteger(input.version) && (input.version as number) >= 1)) errors.push({ path: '/version', message: 'must be a positive integer' });
  if (errors.length) return err(errors);
  return ok({ title, description, datasets, services, policy, ...(pricing ? { pricing } : {}) });
}

function idList(value: unknown, path: string, errors: FieldError[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return void errors.push({ path, message: 'must be an array of ids' }), [];
  const out: string[] = [];
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !UUID.test(v)) errors.push({ path: `${path}/${i}`, message: 'must be a UUID' });
    else out.push(v.toLowerCase());
  });
  return [...new Set(out)];
}

function parsePricing(value: unknown, errors: FieldError[]): Pricing | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return void errors.push({ path: '/pricing', message: 'must be {"amount", "currency", "period"?}' }), undefined;
  unknownFields(value, ['amount', 'currency', 'period'], '/pricing', errors);
  const before = errors.length;
  if (typeof value.amount !== 'number' || !Number.isFinite(value.amount) || value.amount < 0) errors.push({ path: '/pricing/amount', message: 'must be a number >= 0' });
  if (typeof value.currency !== 'string' || !/^[A-Z]{3}$/.test(value.currency)) errors.push({ path: '/pricing/currency', message: 'must be an ISO 4217 code like "EUR"' });
  if (value.period !== undefined && !['one-off', 'month', 'year'].includes(value.period as string)) errors.push({ path: '/pricing/period', message: 'must be one-off, month or year' });
  if (errors.length > before) return undefined;
  return { amount: value.amount as number, currency: value.currency as string, ...(value.period ? { period: value.period as Pricing['period'] } : {}) };
}

export function offeringToInput(o: OfferingContent): Record<string, unknown> {
  return { title: o.title, description: o.description, datasets: o.datasets, services: o.services, policy: o.policy, ...(o.pricing ? { pricing: o.pricing } : {}) };
}
