import type { FieldError } from '../../kernel/index.js';
import type { PersonalDataDescription } from './catalog-resource.js';
import { unknownFields } from './distribution.parser.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_RETENTION_DAYS = 36_500;

/**
 * The personal-data description of a dataset (`personalData`), checked field by field. It only makes sense on a
 * dataset that says it contains personal data, so it is refused otherwise rather than silently kept.
 */
export function parsePersonalData(value: unknown, containsPersonalData: boolean, path: string, errors: FieldError[]): PersonalDataDescription | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return void errors.push({ path, message: 'must be {"categories", "retentionDays"?, "automatedDecisions"?, "specialCategories"?}' }), undefined;
  const before = errors.length;
  if (!containsPersonalData) errors.push({ path, message: 'is only allowed when containsPersonalData is true' });
  unknownFields(value, ['categories', 'retentionDays', 'automatedDecisions', 'specialCategories'], path, errors);
  const categories: string[] = [];
  if (!Array.isArray(value.categories) || value.categories.length === 0) errors.push({ path: `${path}/categories`, message: 'is required: a non-empty array of category names' });
  else
    value.categories.forEach((c, i) => {
      if (typeof c !== 'string' || c.trim() === '' || c.length > 200) errors.push({ path: `${path}/categories/${i}`, message: 'must be a category name of 1 to 200 characters' });
      else if (!categories.includes(c.trim())) categories.push(c.trim());
    });
  const out: PersonalDataDescription = { categories };
  const { retentionDays, automatedDecisions, specialCategories } = value;
  if (retentionDays !== undefined && retentionDays !== null) {
    if (!Number.isInteger(retentionDays) || (retentionDays as number) < 1 || (retentionDays as number) > MAX_RETENTION_DAYS) errors.push({ path: `${path}/retentionDays`, message: `must be an integer number of days from 1 to ${MAX_RETENTION_DAYS}` });
    else out.retentionDays = retentionDays as number;
  }
  if (automatedDecisions !== undefined && automatedDecisions !== null) {
    if (typeof automatedDecisions !== 'string' || automatedDecisions.trim() === '' || automatedDecisions.length > 2000) errors.push({ path: `${path}/automatedDecisions`, message: 'must be a text of 1 to 2000 characters ("none" when there are none)' });
    else out.automatedDecisions = automatedDecisions.trim();
  }
  if (specialCategories !== undefined && specialCategories !== null) {
    if (typeof specialCategories !== 'boolean') errors.push({ path: `${path}/specialCategories`, message: 'must be a boolean' });
    else out.specialCategories = specialCategories;
  }
  return errors.length > before ? undefined : out;
}
