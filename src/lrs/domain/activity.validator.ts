import type { FieldError } from '../../kernel/index.js';
import { checkExtensions, checkIri, checkKeys, checkLanguageMap, isObject } from './xapi-primitives.js';

/** Activities and their definitions (xAPI 1.0.3 Data §2.4.4.1; IEEE 9274.1.1 §9.2.4.1): XAPI-00047..00064. */
const INTERACTION_TYPES = ['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'];
const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;
const DEFINITION_KEYS = ['name', 'description', 'type', 'moreInfo', 'extensions', 'interactionType', 'correctResponsesPattern', ...COMPONENT_LISTS];

/** Validates an Activity object at `path` (objectType optional). */
export function checkActivity(v: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be an Activity object' });
  checkKeys(v, ['objectType', 'id', 'definition'], path, errors);
  if (v.objectType !== undefined && v.objectType !== 'Activity') errors.push({ path: `${path}/objectType`, message: 'must be "Activity"' });
  checkIri(v.id, `${path}/id`, errors);
  if (v.definition !== undefined) checkDefinition(v.definition, `${path}/definition`, errors);
}

function checkDefinition(d: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(d)) return void errors.push({ path, message: 'must be an Activity Definition object' });
  checkKeys(d, DEFINITION_KEYS, path, errors);
  if (d.name !== undefined) checkLanguageMap(d.name, `${path}/name`, errors);
  if (d.description !== undefined) checkLanguageMap(d.description, `${path}/description`, errors);
  if (d.type !== undefined) checkIri(d.type, `${path}/type`, errors);
  if (d.moreInfo !== undefined) checkIri(d.moreInfo, `${path}/moreInfo`, errors, 'an absolute IRL');
  if (d.extensions !== undefined) checkExtensions(d.extensions, `${path}/extensions`, errors);
  if (d.interactionType !== undefined && (typeof d.interactionType !== 'string' || !INTERACTION_TYPES.includes(d.interactionType))) {
    errors.push({ path: `${path}/interactionType`, message: `must be one of ${INTERACTION_TYPES.join(', ')}` });
  }
  if (d.correctResponsesPattern !== undefined) {
    if (!Array.isArray(d.correctResponsesPattern) || d.correctResponsesPattern.some((s) => typeof s !== 'string')) {
      errors.push({ path: `${path}/correctResponsesPattern`, message: 'must be an array of strings' });
    }
    if (d.interactionType === undefined) errors.push({ path: `${path}/interactionType`, message: 'is required with correctResponsesPattern' });
  }
  for (const list of COMPONENT_LISTS) {
    if (d[list] === undefined) continue;
    if (d.interactionType === undefined) errors.push({ path: `${path}/${list}`, message: 'interaction components need an interactionType' });
    checkComponents(d[list], `${path}/${list}`, errors);
  }
}

function checkComponents(v: unknown, path: string, errors: FieldError[]): void {
  if (!Array.isArray(v)) return void errors.push({ path, message: 'must be an array of Interaction Components' });
  const seen = new Set<string>();
  v.forEach((c, i) => {
    const p = `${path}/${i}`;
    if (!isObject(c)) return void errors.push({ path: p, message: 'must be an Interaction Component object' });
    checkKeys(c, ['id', 'description'], p, errors);
    if (typeof c.id !== 'string' || c.id === '') errors.push({ path: `${p}/id`, message: 'must be a non-empty string' });
    else if (seen.has(c.id)) errors.push({ path: `${p}/id`, message: 'must be unique within the list' });
    else seen.add(c.id);
    if (c.description !== undefined) checkLanguageMap(c.description, `${p}/description`, errors);
  });
}
