import type { Issues } from './constraint.reader.js';
import type { ActionRef, Constraint, Duty, DutyRole, EntityRef, Rule, RuleKind } from './policy.model.js';

/** A rule as written: possibly several actions, targets and parties (a compact policy, ODRL IM §2.7.1). */
export interface RawRule {
  id: string;
  path?: string;
  kind: RuleKind | 'duty';
  role?: DutyRole;
  actions: ActionRef[];
  targets: EntityRef[];
  assigners: EntityRef[];
  assignees: EntityRef[];
  constraints: Constraint[];
  duties: RawRule[];
}

export interface PolicyDefaults {
  actions: ActionRef[];
  targets: EntityRef[];
  assigners: EntityRef[];
  assignees: EntityRef[];
}

/** Beyond this, a compact rule is almost certainly a mistake (or an attack on the evaluator's memory). */
const MAX_SPLIT = 1000;
const NONE: PolicyDefaults = { actions: [], targets: [], assigners: [], assignees: [] };

/**
 * ODRL IM §2.7: the policy's action, target, assigner and assignee apply to every rule that does not state its
 * own; a rule with several actions, targets or parties stands for one atomic rule per combination. The atomic rules
 * keep the source rule's IRI (reports name it unchanged) and say which part of the split they are. Duties are
 * atomised the same way but inherit nothing from the policy: a compensation duty has no target.
 */
export function atomise(raw: RawRule, defaults: PolicyDefaults, issues: Issues): Rule[] {
  const pick = <T>(own: T[], inherited: T[]): (T | undefined)[] => (own.length > 0 ? own : inherited.length > 0 ? inherited : [undefined]);
  const actions = raw.actions.length > 0 ? raw.actions : defaults.actions;
  if (actions.length === 0) {
    issues.error(raw.id, `a ${raw.role ?? raw.kind} needs an action`, 'action');
    return [];
  }
  const targets = pick(raw.targets, defaults.targets);
  const assigners = pick(raw.assigners, defaults.assigners);
  const assignees = pick(raw.assignees, defaults.assignees);
  const total = actions.length * targets.length * assigners.length * assignees.length;
  if (total > MAX_SPLIT) {
    issues.error(raw.id, `expands to ${total} atomic rules (more than ${MAX_SPLIT}); split the policy`);
    return [];
  }
  const duties = raw.duties.flatMap((d) => atomise(d, NONE, issues) as Duty[]);
  const out: Rule[] = [];
  for (const action of actions)
    for (const target of targets)
      for (const assigner of assigners)
        for (const assignee of assignees) {
          const rule: Rule = {
            id: raw.id,
            ...(raw.path !== undefined ? { path: raw.path } : {}),
            kind: raw.kind,
            action,
            ...(target ? { target } : {}),
            ...(assigner ? { assigner } : {}),
            ...(assignee ? { assignee } : {}),
            constraints: raw.constraints,
            duties,
          };
          if (total > 1) rule.split = { index: out.length + 1, of: total };
          out.push(raw.kind === 'duty' ? ({ ...rule, kind: 'duty', role: raw.role ?? 'condition' } as Duty) : rule);
        }
  return out;
}
