import { AppError, contentHash, err, ok, type FieldError, type Result } from '../../kernel/index.js';
import { validatePolicyStructure } from '../../policy/index.js';
import type { OdrlNode, OdrlPolicy, TemplateLibrary } from './templates/index.js';

export type ParticipationMode = 'invitation-only' | 'open-with-approval';

/** The role every rulebook declares: the orchestrator node holds it, nobody else may ask for it. */
export const ORCHESTRATOR_ROLE = 'orchestrator';

export interface RoleDefinition {
  id: string;
  title: string;
  description?: string;
  /** Roles the participant must hold in the registry (its verified self-description) to take this role. */
  requiredRegistryRoles: string[];
  maxMembers?: number;
}

export interface ParticipationRules {
  mode: ParticipationMode;
  /** Members in all roles, the orchestrator included. */
  maxMembers?: number;
}

/** What an operator writes: obligations as a raw ODRL policy or as templates to instantiate. */
export interface RulebookInput {
  roles: Array<Omit<RoleDefinition, 'requiredRegistryRoles'> & { requiredRegistryRoles?: string[] }>;
  obligations?: Array<{ role: string; title?: string; policy?: Record<string, unknown>; templates?: Array<{ name: string; parameters?: unknown }> }>;
  participation: ParticipationRules;
}

/**
 * One version of an ecosystem's rulebook, as members sign it: immutable, addressed by the SHA-256 of its
 * canonical JSON, chained to the version it replaces.
 */
export interface RulebookDocument {
  type: 'EcosystemRulebook';
  ecosystem: string;
  orchestrator: string;
  version: number;
  previousVersion?: string;
  title: string;
  description?: string;
  issued: string;
  roles: RoleDefinition[];
  obligations: Array<{ role: string; title?: string; policy: OdrlNode }>;
  participation: ParticipationRules;
}

export interface RulebookMeta {
  ecosystem: string;
  orchestrator: string;
  version: number;
  previousVersion?: string;
  title: string;
  description?: string;
  issued: string;
}

/** 'sha256:' + hex SHA-256 of the RFC 8785 canonical JSON of the document. */
export const rulebookHash = (doc: RulebookDocument): string => `sha256:${contentHash(doc)}`;

const fail = (code: 'DS_RULEBOOK_INVALID' | 'DS_POLICY_INVALID', errors: FieldError[]) => err(new AppError(code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors));

/**
 * Builds a rulebook version from operator input: roles consistent, obligations resolved to validated ODRL
 * policies. Error paths are JSON pointers under `base` (where the input sits in the request).
 */
export function buildRulebook(input: RulebookInput, meta: RulebookMeta, templates: TemplateLibrary, base: string): Result<RulebookDocument, AppError> {
  const errors: FieldError[] = [];
  const ids = new Set<string>();
  input.roles.forEach((r, i) => {
    if (ids.has(r.id)) errors.push({ path: `${base}/roles/${i}/id`, message: `role "${r.id}" is declared twice` });
    ids.add(r.id);
  });
  if (!ids.has(ORCHESTRATOR_ROLE)) errors.push({ path: `${base}/roles`, message: `must declare the role "${ORCHESTRATOR_ROLE}" (held by this node)` });
  const orchestratorRole = input.roles.find((r) => r.id === ORCHESTRATOR_ROLE);
  if (orchestratorRole?.maxMembers !== undefined && orchestratorRole.maxMembers !== 1) errors.push({ path: `${base}/roles/${input.roles.indexOf(orchestratorRole)}/maxMembers`, message: 'the orchestrator role has exactly one member' });
  const obligations = input.obligations ?? [];
  obligations.forEach((o, i) => {
    if (!ids.has(o.role)) errors.push({ path: `${base}/obligations/${i}/role`, message: `no role "${o.role}" in the rulebook` });
    if ((o.policy === undefined) === (o.templates === undefined)) errors.push({ path: `${base}/obligations/${i}`, message: 'give either policy or templates' });
  });
  if (errors.length) return fail('DS_RULEBOOK_INVALID', errors);

  const resolved: RulebookDocument['obligations'] = [];
  for (const [i, o] of obligations.entries()) {
    const at = `${base}/obligations/${i}`;
    let policy: OdrlNode;
    if (o.templates) {
      const made = templates.instantiate({ templates: o.templates }, at);
      if (!made.ok) return made;
      policy = made.value as OdrlPolicy;
    } else {
      policy = o.policy as OdrlNode;
      const invalid = validatePolicyStructure(policy);
      if (invalid.length) return fail('DS_POLICY_INVALID', invalid.map((e) => ({ path: `${at}/policy${e.path}`, message: e.message })));
    }
    resolved.push({ role: o.role, ...(o.title ? { title: o.title } : {}), policy });
  }
  const roles = input.roles.map((r) => ({ ...r, requiredRegistryRoles: [...new Set(r.requiredRegistryRoles ?? [])].sort() }));
  const doc: RulebookDocument = {
    type: 'EcosystemRulebook',
    ecosystem: meta.ecosystem,
    orchestrator: meta.orchestrator,
    version: meta.version,
    ...(meta.previousVersion ? { previousVersion: meta.previousVersion } : {}),
    title: meta.title,
    ...(meta.description ? { description: meta.description } : {}),
    issued: meta.issued,
    roles,
    obligations: resolved,
    participation: { mode: input.participation.mode, ...(input.participation.maxMembers !== undefined ? { maxMembers: input.participation.maxMembers } : {}) },
  };
  return ok(doc);
}

/** The obligations (ODRL policies) a member in `role` takes on. */
export const obligationsOf = (doc: RulebookDocument, role: string): OdrlNode[] => doc.obligations.filter((o) => o.role === role).map((o) => o.policy);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A rulebook received from another node: checks the shape we rely on and that it hashes to what the sender says
 * (the hash is what gets signed, so a mismatch must never be stored).
 */
export function checkReceivedRulebook(
  value: unknown,
  claimedHash: string,
  expect: { ecosystem: string; orchestrator: string },
  paths: { rulebook: string; hash: string },
): Result<RulebookDocument, FieldError[]> {
  const base = paths.rulebook;
  if (!isObject(value) || value.type !== 'EcosystemRulebook') return err([{ path: base, message: 'is not an EcosystemRulebook' }]);
  const errors: FieldError[] = [];
  if (value.ecosystem !== expect.ecosystem) errors.push({ path: `${base}/ecosystem`, message: `must be ${expect.ecosystem}` });
  if (value.orchestrator !== expect.orchestrator) errors.push({ path: `${base}/orchestrator`, message: 'must be the DID of the sending orchestrator' });
  if (!Number.isSafeInteger(value.version) || (value.version as number) < 1) errors.push({ path: `${base}/version`, message: 'must be a positive integer' });
  if (typeof value.title !== 'string') errors.push({ path: `${base}/title`, message: 'must be a string' });
  const roles = value.roles;
  if (!Array.isArray(roles) || !roles.every((r) => isObject(r) && typeof r.id === 'string' && Array.isArray(r.requiredRegistryRoles))) {
    errors.push({ path: `${base}/roles`, message: 'must be an array of roles with an id and requiredRegistryRoles' });
  }
  if (!Array.isArray(value.obligations) || !value.obligations.every((o) => isObject(o) && typeof o.role === 'string' && isObject(o.policy))) {
    errors.push({ path: `${base}/obligations`, message: 'must be an array of { role, policy }' });
  }
  const rules = value.participation;
  if (!isObject(rules) || (rules.mode !== 'invitation-only' && rules.mode !== 'open-with-approval')) errors.push({ path: `${base}/participation`, message: 'must name a participation mode' });
  if (errors.length) return err(errors);
  const doc = value as unknown as RulebookDocument;
  if (rulebookHash(doc) !== claimedHash) return err([{ path: paths.hash, message: 'does not match the SHA-256 of the canonical JSON of the rulebook' }]);
  return ok(doc);
}
