import type { JWK } from 'jose';

/**
 * Verification methods are typed JsonWebKey2020 under the jws-2020 context rather than CID 1.0's newer
 * `JsonWebKey`: the Eclipse Dataspace Connector and the Gaia-X tooling our counterparties run resolve
 * JsonWebKey2020 today, and both types carry the same `publicKeyJwk`, so switching later is a one-line change.
 */
export const DID_CONTEXT = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];
export const VERIFICATION_METHOD_TYPE = 'JsonWebKey2020';

export interface VerificationMethod {
  id: string;
  type: string;
  controller: string;
  publicKeyJwk: JWK;
}

export interface DidService {
  id: string;
  type: string;
  serviceEndpoint: string;
}

export interface DidDocument {
  '@context'?: unknown;
  id: string;
  verificationMethod?: VerificationMethod[];
  authentication?: Array<string | VerificationMethod>;
  assertionMethod?: Array<string | VerificationMethod>;
  service?: DidService[];
  [key: string]: unknown;
}

export interface PublicKeyEntry {
  kid: string;
  publicJwk: JWK;
  retired: boolean;
}

/** The DID service through which a node takes exchange receipts in batches (`POST /dsp/receipts/batch`). */
export const EXCHANGE_RECEIPT_SERVICE = 'ExchangeReceiptService';

/**
 * The node's DID document: every key it ever used stays listed so that credentials and tokens signed before a
 * rotation still verify; only the active key is offered for authentication and assertions.
 */
export function buildDidDocument(did: string, publicUrl: string, keys: PublicKeyEntry[]): DidDocument {
  const vm = (kid: string) => `${did}#${kid}`;
  const active = keys.filter((k) => !k.retired).map((k) => vm(k.kid));
  return {
    '@context': DID_CONTEXT,
    id: did,
    verificationMethod: keys.map((k) => ({ id: vm(k.kid), type: VERIFICATION_METHOD_TYPE, controller: did, publicKeyJwk: k.publicJwk })),
    authentication: active,
    assertionMethod: active,
    service: [
      // DSP 2025-1 discovery: the DataService points at the version document, the CatalogService at the catalog.
      { id: `${did}#dsp`, type: 'DataService', serviceEndpoint: `${publicUrl}/.well-known/dspace-version` },
      { id: `${did}#catalog`, type: 'CatalogService', serviceEndpoint: `${publicUrl}/dsp/catalog` },
      { id: `${did}#participant-credential`, type: 'ParticipantCredential', serviceEndpoint: `${publicUrl}/.well-known/participant.vc` },
      { id: `${did}#exchange-receipts`, type: EXCHANGE_RECEIPT_SERVICE, serviceEndpoint: `${publicUrl}/dsp/receipts/batch` },
    ],
  };
}

/** The verification method `kid` (a full DID URL) of `doc`, if `doc` controls it. */
export function findVerificationMethod(doc: DidDocument, kid: string): VerificationMethod | undefined {
  if (!kid.startsWith(`${doc.id}#`)) return undefined;
  return doc.verificationMethod?.find((m) => m.id === kid || `${doc.id}${m.id}` === kid);
}

export const serviceEndpoint = (doc: DidDocument, type: string): string | undefined => doc.service?.find((s) => s.type === type)?.serviceEndpoint;
