import type { FieldError } from '../../kernel/index.js';
import { checkIri, checkKeys, checkLanguageMap, isObject } from './xapi-primitives.js';

/** Attachments (xAPI 1.0.3 Data §2.4.11; XAPI-00025, 00101..00110): metadata only; the bytes travel in multipart. */
export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';
const SHA2 = /^(?:[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i;

export function checkAttachments(v: unknown, path: string, errors: FieldError[]): void {
  if (!Array.isArray(v)) return void errors.push({ path, message: 'must be an array of Attachments' });
  v.forEach((a, i) => {
    const p = `${path}/${i}`;
    if (!isObject(a)) return void errors.push({ path: p, message: 'must be an Attachment object' });
    checkKeys(a, ['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl'], p, errors);
    checkIri(a.usageType, `${p}/usageType`, errors);
    checkLanguageMap(a.display, `${p}/display`, errors);
    if (a.description !== undefined) checkLanguageMap(a.description, `${p}/description`, errors);
    if (typeof a.contentType !== 'string' || !/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;.*)?$/.test(a.contentType)) errors.push({ path: `${p}/contentType`, message: 'must be an Internet Media Type' });
    if (!Number.isInteger(a.length) || (a.length as number) < 0) errors.push({ path: `${p}/length`, message: 'must be a non-negative integer' });
    if (typeof a.sha2 !== 'string' || !SHA2.test(a.sha2)) errors.push({ path: `${p}/sha2`, message: 'must be the hex SHA-256, SHA-384 or SHA-512 of the content' });
    if (a.fileUrl !== undefined) checkIri(a.fileUrl, `${p}/fileUrl`, errors, 'an absolute IRL');
  });
}
