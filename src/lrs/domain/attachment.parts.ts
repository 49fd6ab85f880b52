import { createHash } from 'node:crypto';
import type { FieldError } from '../../kernel/index.js';
import { SIGNATURE_USAGE } from './attachment.validator.js';
import type { Part } from './multipart.js';
import { isObject, type Json, type XapiVersion } from './xapi-primitives.js';

/**
 * Matches the attachment parts of a multipart/mixed request with the statements' attachment metadata
 * (xAPI 1.0.3 Communication §1.5.2, XAPI-00110..00130): every attachment without a fileUrl needs a part with its
 * hash; every part must be declared; each part's bytes must hash to its X-Experience-API-Hash.
 */
export interface AttachmentPart { sha2: string; contentType: string; content: Buffer }

export const sha2Of = (content: Buffer, hexLength: number): string =>
  createHash(hexLength === 128 ? 'sha512' : hexLength === 96 ? 'sha384' : 'sha256').update(content).digest('hex');

export function matchAttachments(statements: Json[], parts: Part[], version: XapiVersion, basePath: (i: number) => string): { errors: FieldError[]; byHash: Map<string, AttachmentPart> } {
  const errors: FieldError[] = [];
  const byHash = new Map<string, AttachmentPart>();
  parts.forEach((p, i) => {
    const path = `/body/parts/${i + 1}`;
    const hash = p.headers['x-experience-api-hash']?.toLowerCase();
    const cte = p.headers['content-transfer-encoding'];
    if (!hash) return void errors.push({ path: `${path}/headers/x-experience-api-hash`, message: 'every attachment part needs X-Experience-API-Hash' });
    if (cte === undefined ? version === '1.0.3' : cte.toLowerCase() !== 'binary') errors.push({ path: `${path}/headers/content-transfer-encoding`, message: 'must be binary' });
    if (sha2Of(p.body, hash.length) !== hash) return void errors.push({ path: `${path}/headers/x-experience-api-hash`, message: "does not match the SHA-2 of the part's content" });
    byHash.set(hash, { sha2: hash, contentType: p.headers['content-type'] ?? 'application/octet-stream', content: p.body });
  });
  const declared = new Set<string>();
  statements.forEach((s, i) => {
    const list = Array.isArray(s.attachments) ? s.attachments : [];
    list.forEach((a: unknown, j: number) => {
      if (!isObject(a) || typeof a.sha2 !== 'string') return;
      const hash = a.sha2.toLowerCase();
      declared.add(hash);
      const signature = a.usageType === SIGNATURE_USAGE;
      if (a.fileUrl === undefined || signature) {
        if (!byHash.has(hash)) errors.push({ path: `${basePath(i)}/attachments/${j}/sha2`, message: signature ? 'the signature must be sent as a part' : 'no part carries this attachment and it has no fileUrl' });
      }
      if (signature && a.contentType !== 'application/octet-stream') errors.push({ path: `${basePath(i)}/attachments/${j}/contentType`, message: 'a signature attachment must be application/octet-stream' });
    });
  });
  for (const hash of byHash.keys()) if (!declared.has(hash)) errors.push({ path: '/body/parts', message: `part ${hash} is not declared by any statement attachment` });
  return { errors, byHash };
}
