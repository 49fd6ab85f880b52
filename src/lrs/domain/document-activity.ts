import type { Agent } from './agent.js';

/**
 * The canonical Activity definition the Activities resource returns (Communication §2.5): everything the LRS has
 * learnt about an activity id from the statements that define it. Language maps and extensions accumulate (two
 * statements describing the activity in two languages give both: XAPI-00254); scalar properties take the latest
 * value; interaction components (choices, scale, source, target, steps) merge by component id.
 */
export type ActivityDefinition = Record<string, unknown>;

export interface ActivityInput {
  id: string;
  definition?: ActivityDefinition | undefined;
}

const MAPS = ['name', 'description', 'extensions'] as const;
const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeComponents(old: unknown, next: unknown): unknown {
  if (!Array.isArray(old) || !Array.isArray(next)) return next;
  const out = old.map((c: unknown) => (isObject(c) ? { ...c } : c));
  for (const c of next) {
    const at = isObject(c) ? out.findIndex((o) => isObject(o) && o.id === c.id) : -1;
    const prev = at >= 0 ? out[at] : undefined;
    if (isObject(c) && isObject(prev)) {
      const merged: Record<string, unknown> = { ...prev, ...c };
      if (isObject(prev.description) && isObject(c.description)) merged.description = { ...prev.description, ...c.description };
      out[at] = merged;
    } else out.push(c);
  }
  return out;
}

/** Folds a newer definition into the stored one. */
export function mergeActivityDefinition(old: ActivityDefinition | undefined, next: ActivityDefinition): ActivityDefinition {
  if (!old) return next;
  const merged: ActivityDefinition = { ...old, ...next };
  for (const k of MAPS) if (isObject(old[k]) && isObject(next[k])) merged[k] = { ...old[k], ...next[k] };
  for (const k of COMPONENT_LISTS) if (next[k] !== undefined) merged[k] = mergeComponents(old[k], next[k]);
  return merged;
}

/** Collapses a batch to one definition per activity id, in the batch's order (later statements win). */
export function foldActivities(activities: readonly ActivityInput[]): Map<string, ActivityDefinition> {
  const out = new Map<string, ActivityDefinition>();
  for (const a of activities) {
    if (!isObject(a.definition) || Object.keys(a.definition).length === 0) continue;
    out.set(a.id, mergeActivityDefinition(out.get(a.id), a.definition));
  }
  return out;
}

/** The Activities resource's answer: the activity, with its definition when one is known (§2.5.s2.b1). */
export function activityObject(id: string, definition: ActivityDefinition | undefined): Record<string, unknown> {
  return definition ? { objectType: 'Activity', id, definition } : { objectType: 'Activity', id };
}

/**
 * The Agents resource's Person object (Communication §2.4): each property an array. This LRS links no personas
 * across identifiers, so the Person carries what the requested Agent says (§2.4.s3.b3).
 */
export function personOf(agent: Agent): Record<string, unknown> {
  const person: Record<string, unknown> = { objectType: 'Person' };
  if (agent.name !== undefined) person.name = [agent.name];
  if (agent.mbox !== undefined) person.mbox = [agent.mbox];
  if (agent.mbox_sha1sum !== undefined) person.mbox_sha1sum = [agent.mbox_sha1sum];
  if (agent.openid !== undefined) person.openid = [agent.openid];
  if (agent.account !== undefined) person.account = [agent.account];
  return person;
}
