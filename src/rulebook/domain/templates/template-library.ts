import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError, err, ok, randomIds, type FieldError, type IdGenerator, type Result } from '../../../kernel/index.js';
import { validatePolicyStructure } from '../../../policy/index.js';
import { accessWindow, maxUses, openAccess, periodAfterSignature } from './access.templates.js';
import { attribution, deleteAfter, notification, payment } from './duty.templates.js';
import { ODRL_CONTEXT_URL } from './odrl-terms.js';
import type { OdrlNode, PolicyTemplate, TemplateContribution, VocabularyTerm } from './policy-template.js';
import { geographicRestriction, noRedistribution, purposeRestriction, recipientRestriction } from './restriction.templates.js';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

export const TEMPLATES: readonly PolicyTemplate[] = [
  openAccess, accessWindow, periodAfterSignature, maxUses, purposeRestriction, recipientRestriction, noRedistribution,
  geographicRestriction, deleteAfter, notification, attribution, payment,
];

export type PolicyType = 'Set' | 'Offer' | 'Agreement';

/** One or several templates with their parameters, composed into one policy. */
export interface InstantiateInput {
  templates: Array<{ name: string; parameters?: unknown }>;
  type?: PolicyType;
  /** The policy's `@id` (an IRI); default a fresh `urn:uuid:`. Its rules get `<uid>#permission-0`, … */
  uid?: string;
  target?: string;
  assigner?: string;
  assignee?: string;
}

export type OdrlPolicy = OdrlNode & { '@context': unknown; '@type': PolicyType };

export interface TemplateDescriptor {
  name: string;
  title: string;
  description: string;
  kind: PolicyTemplate['kind'];
  parameters: unknown;
  example: unknown;
  vocabulary?: VocabularyTerm[];
}

function ajvIssues(errors: ErrorObject[] | null | undefined, base: string): FieldError[] {
  return (errors ?? []).map((e) => {
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'required') return { path: `${base}${e.instancePath}/${String(p.missingProperty)}`, message: 'is required' };
    if (e.keyword === 'additionalProperties') return { path: `${base}${e.instancePath}/${String(p.additionalProperty)}`, message: 'unknown parameter' };
    return { path: `${base}${e.instancePath}`, message: e.message ?? 'is not valid' };
  });
}

/** The template library: descriptors for the API, and composition of instantiated templates into one ODRL policy. */
export function createTemplateLibrary(opts: { ids?: IdGenerator; templates?: readonly PolicyTemplate[] } = {}) {
  const templates = opts.templates ?? TEMPLATES;
  const ids = opts.ids ?? randomIds;
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  const byName = new Map<string, { template: PolicyTemplate; validate: ValidateFunction }>(templates.map((t) => [t.name, { template: t, validate: ajv.compile(t.parameters) }]));

  const describe = (t: PolicyTemplate): TemplateDescriptor => ({
    name: t.name,
    title: t.title,
    description: t.description,
    kind: t.kind,
    // A plain JSON copy: TypeBox marks schemas with symbol keys that have no place in an API answer.
    parameters: JSON.parse(JSON.stringify(t.parameters)) as unknown,
    example: t.example,
    ...(t.vocabulary ? { vocabulary: t.vocabulary.map((v) => ({ ...v })) } : {}),
  });

  function contribution(item: { name: string; parameters?: unknown }, path: string, errors: FieldError[]): TemplateContribution | undefined {
    const entry = byName.get(item.name);
    if (!entry) {
      errors.push({ path: `${path}/name`, message: `unknown template "${item.name}" (known: ${[...byName.keys()].join(', ')})` });
      return undefined;
    }
    const params = item.parameters ?? {};
    if (!entry.validate(params)) {
      errors.push(...ajvIssues(entry.validate.errors, `${path}/parameters`));
      return undefined;
    }
    const crossField = entry.template.check?.(params) ?? [];
    if (crossField.length) {
      errors.push(...crossField.map((e) => ({ path: `${path}/parameters${e.path}`, message: e.message })));
      return undefined;
    }
    return entry.template.build(params);
  }

  /** Composes the templates into one policy. Error paths are JSON pointers under `base` (e.g. "/body"). */
  function instantiate(input: InstantiateInput, base = ''): Result<OdrlPolicy, AppError> {
    const errors: FieldError[] = [];
    if (input.templates.length === 0) errors.push({ path: `${base}/templates`, message: 'must name at least one template' });
    const parts = input.templates.map((t, i) => contribution(t, `${base}/templates/${i}`, errors));
    if (errors.length) {
      const unknown = errors.every((e) => e.path.endsWith('/name'));
      return err(new AppError(unknown ? 'DS_RULEBOOK_UNKNOWN_TEMPLATE' : 'DS_RULEBOOK_INVALID_PARAMETERS', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors));
    }
    const type = input.type ?? 'Set';
    const partyErrors = requiredParties(type, input, base);
    if (partyErrors.length) return err(new AppError('DS_RULEBOOK_INVALID_PARAMETERS', partyErrors.map((e) => `${e.path}: ${e.message}`).join('; '), partyErrors));
    const policy = compose(type, parts as TemplateContribution[], { ...input, uid: input.uid ?? `urn:uuid:${ids.uuid()}` });
    const invalid = validatePolicyStructure(policy, { leftOperands: 'known-or-iri' });
    // Templates produce valid policies by construction; this guards the library against its own regressions.
    if (invalid.length) return err(new AppError('DS_POLICY_INVALID', invalid.map((e) => `${e.path}: ${e.message}`).join('; '), invalid));
    return ok(policy);
  }

  return {
    list: (): TemplateDescriptor[] => templates.map(describe),
    get: (name: string): TemplateDescriptor | undefined => {
      const e = byName.get(name);
      return e && describe(e.template);
    },
    instantiate,
  };
}

export type TemplateLibrary = ReturnType<typeof createTemplateLibrary>;

/** ODRL 2.2: an Offer names its assigner, an Agreement its assigner and assignee. */
function requiredParties(type: PolicyType, input: InstantiateInput, base: string): FieldError[] {
  const out: FieldError[] = [];
  if ((type === 'Offer' || type === 'Agreement') && !input.assigner) out.push({ path: `${base}/assigner`, message: `is required for an ${type}` });
  if (type === 'Agreement' && !input.assignee) out.push({ path: `${base}/assignee`, message: 'is required for an Agreement' });
  return out;
}

function compose(type: PolicyType, parts: TemplateContribution[], input: InstantiateInput & { uid: string }): OdrlPolicy {
  const grants = parts.flatMap((p) => p.permissions ?? []);
  const constraints = parts.flatMap((p) => p.constraints ?? []);
  const duties = parts.flatMap((p) => p.duties ?? []);
  const prohibitions = parts.flatMap((p) => p.prohibitions ?? []);
  // Rules are named so that states of the world (a duty performed) and compliance reports can point at them.
  const base = input.uid.includes('#') ? `${input.uid}-` : `${input.uid}#`;
  // Restrictions need something to restrict: without a grant template the policy grants `use`.
  const permission = (grants.length ? grants : [{ action: 'use' }]).map((g, i) => ({
    '@id': `${base}permission-${i}`,
    ...g,
    ...(constraints.length ? { constraint: structuredClone(constraints) } : {}),
    ...(duties.length ? { duty: duties.map((d, j) => ({ '@id': `${base}permission-${i}-duty-${j}`, ...structuredClone(d) })) } : {}),
  }));
  const policy: OdrlPolicy = { '@context': ODRL_CONTEXT_URL, '@type': type, '@id': input.uid };
  if (input.target) policy.target = input.target;
  if (input.assigner) policy.assigner = input.assigner;
  if (input.assignee) policy.assignee = input.assignee;
  // `use` includes `distribute`: under ODRL's default strategy (invalid) the conflict would void the policy.
  if (prohibitions.length) policy.conflict = 'prohibit';
  policy.permission = permission;
  if (prohibitions.length) policy.prohibition = prohibitions.map((p, i) => ({ '@id': `${base}prohibition-${i}`, ...p }));
  return policy;
}
