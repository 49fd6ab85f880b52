import { KNOWN_ACTIONS, canonicalAction } from './action-hierarchy.js';
import { Issues, readConstraints } from './constraint.reader.js';
import { ODRL_NS } from './odrl.vocabulary.js';
import { atomise, type RawRule } from './policy.atomiser.js';
import type { ActionRef, ConflictStrategy, DutyRole, EntityRef, Policy, PolicyIssue, RuleKind } from './policy.model.js';
import { RDF, isResource, type Graph } from './rdf-graph.js';

const O = (name: string) => `${ODRL_NS}${name}`;
const POLICY_TYPES = ['Policy', 'Set', 'Offer', 'Agreement', 'Assertion', 'Privacy', 'Request', 'Ticket'].map(O);
const RULE_KINDS: readonly RuleKind[] = ['permission', 'prohibition', 'obligation'];
const DUTY_PROPERTY: Record<DutyRole, string> = { condition: O('duty'), remedy: O('remedy'), consequence: O('consequence') };

export interface PolicyReadResult {
  policy?: Policy;
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
}

/** The ODRL policy in a graph, checked against the ODRL 2.2 information model and expanded to atomic rules. */
export function readPolicy(g: Graph): PolicyReadResult {
  const issues = new Issues(g);
  const candidates = [...g.subjects()].filter((s) => g.types(s).some((t) => POLICY_TYPES.includes(t)) || RULE_KINDS.some((k) => g.objects(s, O(k)).length > 0));
  if (candidates.length !== 1) {
    const message =
      candidates.length === 0
        ? 'no ODRL policy found: a node typed odrl:Set, Offer, Agreement or Policy, or holding a permission, prohibition or obligation'
        : `the document holds ${candidates.length} policies (${candidates.slice(0, 5).join(', ')}); give one`;
    return { errors: [{ path: '', message }], warnings: [] };
  }
  const id = candidates[0]!;
  const types = g.types(id).filter((t) => t.startsWith(ODRL_NS));
  if (types.length === 0) issues.warn(id, 'no policy type: read as an odrl:Set', '@type');
  if (id.startsWith('_:')) issues.warn(id, 'a policy must have a uid (an IRI); this one is unnamed', '@id');
  const conflict = readConflict(g, id, issues);
  if (g.objects(id, O('inheritFrom')).length > 0) issues.warn(id, 'inheritFrom is not followed: parent policies are never fetched, only this policy is evaluated', 'inheritFrom');
  if (g.objects(id, O('constraint')).length > 0) issues.warn(id, 'constraints at policy level are not considered (ODRL formal semantics); put them on the rules', 'constraint');

  const defaults = {
    actions: readActions(g, id, issues),
    targets: readEntities(g, id, 'target', issues),
    assigners: readEntities(g, id, 'assigner', issues),
    assignees: readEntities(g, id, 'assignee', issues),
  };
  const rules = Object.fromEntries(
    RULE_KINDS.map((kind) => {
      const nodes = g.objects(id, O(kind));
      const raws = nodes.flatMap((n) => {
        if (isResource(n)) return [readRule(g, n.value, kind, issues)];
        issues.error(id, `${kind} must be a rule node, not the literal "${n.value}"`, kind);
        return [];
      });
      return [kind, raws.flatMap((r) => atomise(r, defaults, issues))];
    }),
  ) as Record<RuleKind, ReturnType<typeof atomise>>;
  if (rules.permission.length + rules.prohibition.length + rules.obligation.length === 0 && issues.errors.length === 0) {
    issues.error(id, 'a policy needs at least one permission, prohibition or obligation', 'permission');
  }
  checkParties(types, rules, issues);
  const policy: Policy = {
    id,
    ...(g.pointer(id) !== undefined ? { path: g.pointer(id) } : {}),
    types: types.length > 0 ? types : [O('Set')],
    conflict: conflict ?? 'invalid',
    conflictStated: conflict !== undefined,
    profiles: g.objects(id, O('profile')).map((t) => t.value),
    permissions: rules.permission,
    prohibitions: rules.prohibition,
    obligations: rules.obligation,
  };
  return issues.errors.length > 0 ? { errors: issues.errors, warnings: issues.warnings } : { policy, errors: [], warnings: issues.warnings };
}

function readConflict(g: Graph, id: string, issues: Issues): ConflictStrategy | undefined {
  const values = g.objects(id, O('conflict'));
  if (values.length === 0) return undefined;
  const v = values[0]!.value;
  const strategy = (['perm', 'prohibit', 'invalid'] as const).find((s) => v === O(s) || v === s);
  if (!strategy || values.length > 1) issues.error(id, `conflict must be one of perm, prohibit, invalid (found ${values.map((x) => x.value).join(', ')})`, 'conflict');
  return strategy;
}

function readRule(g: Graph, id: string, kind: RuleKind | 'duty', issues: Issues, role?: DutyRole): RawRule {
  for (const [r, p] of Object.entries(DUTY_PROPERTY) as [DutyRole, string][]) {
    const allowed = (r === 'condition' && kind === 'permission') || (r === 'remedy' && kind === 'prohibition') || (r === 'consequence' && (kind === 'duty' || kind === 'obligation'));
    const key = p.slice(ODRL_NS.length);
    if (!allowed && g.objects(id, p).length > 0) issues.error(id, `a ${role ?? kind} cannot have a ${key} (${key === 'duty' ? 'only permissions have duties' : key === 'remedy' ? 'only prohibitions have remedies' : 'only duties have consequences'})`, key);
  }
  if (g.objects(id, O('failure')).length > 0) issues.warn(id, 'odrl:failure (ODRL 2.1) is not read: use remedy or consequence', 'failure');
  const dutyRole: DutyRole | undefined = kind === 'permission' ? 'condition' : kind === 'prohibition' ? 'remedy' : 'consequence';
  const duties = g.objects(id, DUTY_PROPERTY[dutyRole]).flatMap((d) => (isResource(d) ? [readRule(g, d.value, 'duty', issues, dutyRole)] : []));
  return {
    id,
    ...(g.pointer(id) !== undefined ? { path: g.pointer(id) } : {}),
    kind,
    ...(role ? { role } : {}),
    actions: readActions(g, id, issues),
    targets: readEntities(g, id, 'target', issues),
    assigners: readEntities(g, id, 'assigner', issues),
    assignees: readEntities(g, id, 'assignee', issues),
    constraints: readConstraints(g, id, O('constraint'), issues),
    duties,
  };
}

/** Actions: an IRI, or an action node whose rdf:value is the action and which may carry refinements. */
function readActions(g: Graph, id: string, issues: Issues): ActionRef[] {
  return g.objects(id, O('action')).flatMap((t): ActionRef[] => {
    if (!isResource(t)) {
      issues.error(id, `action must be an action term or IRI, not the literal "${t.value}"`, 'action');
      return [];
    }
    const value = g.objects(t.value, `${RDF}value`)[0];
    const refinements = readConstraints(g, t.value, O('refinement'), issues);
    if ((t.termType === 'BlankNode' && !value) || (value && !isResource(value))) {
      issues.error(id, 'an action node needs rdf:value naming the action (an IRI)', 'action');
      return [];
    }
    const action = canonicalAction(value && isResource(value) ? value.value : t.value);
    if (action.startsWith(ODRL_NS) && !KNOWN_ACTIONS.has(action)) issues.error(id, `unknown ODRL action <${action}>`, 'action');
    // A term no context defined stays a relative IRI: a typo or a missing profile context, never an action.
    else if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(action)) issues.error(id, `"${action}" is neither an ODRL action nor an IRI (is a profile context missing?)`, 'action');
    const node = value ? { id: t.value, ...(g.pointer(t.value) !== undefined ? { path: g.pointer(t.value) } : {}) } : undefined;
    return [{ action, ...(node ? { node } : {}), refinements }];
  });
}

/** Targets and parties: IRIs, or collections (typed as such or refined) whose refinements select members. */
function readEntities(g: Graph, id: string, property: 'target' | 'assigner' | 'assignee', issues: Issues): EntityRef[] {
  const collectionType = property === 'target' ? O('AssetCollection') : O('PartyCollection');
  return g.objects(id, O(property)).flatMap((t): EntityRef[] => {
    if (!isResource(t)) {
      issues.error(id, `${property} must be an IRI, not the literal "${t.value}"`, property);
      return [];
    }
    // A collection's members are reached through odrl:source when it names the underlying collection.
    const source = g.objects(t.value, O('source'))[0];
    const refinements = readConstraints(g, t.value, O('refinement'), issues);
    const collection = g.types(t.value).includes(collectionType) || refinements.length > 0;
    if (t.termType === 'BlankNode' && !source) {
      issues.error(id, `${property} must be named by an IRI (or be a collection with odrl:source)`, property);
      return [];
    }
    return [{ id: source && isResource(source) ? source.value : t.value, collection, refinements }];
  });
}

/** ODRL IM §2.2: an Offer names its assigner, an Agreement both parties. Warnings: DSP catalog offers omit them. */
function checkParties(types: string[], rules: Record<RuleKind, ReturnType<typeof atomise>>, issues: Issues): void {
  const offer = types.includes(O('Offer'));
  const agreement = types.includes(O('Agreement'));
  if (!offer && !agreement) return;
  for (const r of [...rules.permission, ...rules.prohibition, ...rules.obligation]) {
    if (!r.assigner) issues.warn(r.id, `an ${offer ? 'Offer' : 'Agreement'} rule should have an assigner`, 'assigner');
    if (agreement && !r.assignee) issues.warn(r.id, 'an Agreement rule should have an assignee', 'assignee');
  }
}
