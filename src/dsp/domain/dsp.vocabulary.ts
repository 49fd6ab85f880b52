import { createHash } from 'node:crypto';
import { DSP_CONTEXT } from '../../kernel/index.js';

export { DSP_CONTEXT };

/** Where this node's Dataspace Protocol 2025-1 endpoints live, relative to its public URL (`<base>` = publicUrl + this). */
export const DSP_BASE_PATH = '/dsp';
export const DSP_VERSION = '2025-1';
/**
 * The DSP `Distribution.format` is the transfer type a consumer asks for in a TransferRequestMessage (the
 * context maps it to dct:format as a vocabulary term); the file format travels as dcat:mediaType instead.
 */
export const DEFAULT_TRANSFER_FORMAT = 'HttpData-PULL';
/** Name of our node-to-node authentication overlay, announced in /.well-known/dspace-version. */
export const DSP_AUTH = { protocol: 'dases-did-jwt', version: '1', profile: ['EdDSA', 'did:web'] };

/**
 * A UUID derived from a name (SHA-256, version nibble 8 = "custom", RFC 9562), so the catalog and data service
 * ids stay the same across restarts and across processes sharing one node identity.
 */
export function nameUuid(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const catalogIdOf = (did: string) => `urn:uuid:${nameUuid(`${did}#catalog`)}`;
export const dataServiceIdOf = (did: string) => `urn:uuid:${nameUuid(`${did}#dsp`)}`;
export const datasetIri = (uuid: string) => `urn:uuid:${uuid}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The local dataset uuid of a DSP dataset id (`urn:uuid:<uuid>` or a bare uuid), or undefined. */
export function datasetUuidOf(id: string): string | undefined {
  const bare = id.startsWith('urn:uuid:') ? id.slice(9) : id;
  return UUID.test(bare) ? bare.toLowerCase() : undefined;
}
