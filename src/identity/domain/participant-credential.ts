import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { AppError, err, ok, type Result } from '../../kernel/index.js';
import { findVerificationMethod, type DidDocument } from './did-document.js';
import type { Profile } from './profile.js';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** Gaia-X Trust Framework vocabulary (Loire release), under its development IRI as Gaia-X's own examples use it. */
export const GX_CONTEXT = 'https://w3id.org/gaia-x/development#';
/** Our own terms (roles, contact, node name), kept apart from gx: so Gaia-X shapes still validate. */
export const DASES_CONTEXT = { dases: 'https://dases.eu/ns#' };
export const CREDENTIAL_TYPE = 'gx:LegalPerson';
export const VALIDITY_MS = 365 * 24 * 3600 * 1000;

export interface GxAddress {
  type: 'gx:Address';
  'gx:countryCode': string;
  'gx:countrySubdivisionCode': string;
}

/** The decoded credentialSubject of a participant credential. */
export interface ParticipantSubject {
  id: string;
  type: string;
  'gx:legalName': string;
  'gx:registrationNumber'?: string;
  'gx:headquartersAddress'?: GxAddress;
  'gx:legalAddress'?: GxAddress;
  'dases:roles': string[];
  'dases:contact'?: string;
  'dases:nodeName': string;
  [key: string]: unknown;
}

export interface ParticipantCredential {
  '@context': unknown[];
  type: string[];
  issuer: string;
  validFrom: string;
  validUntil: string;
  credentialSubject: ParticipantSubject;
}

const address = (code: string): GxAddress => ({ type: 'gx:Address', 'gx:countryCode': code.slice(0, 2), 'gx:countrySubdivisionCode': code });

/** The self-description as a W3C VC 2.0 whose issuer and subject are the node itself. */
export function buildParticipantCredential(did: string, profile: Profile, now: Date): ParticipantCredential {
  return {
    '@context': [VC_CONTEXT, GX_CONTEXT, DASES_CONTEXT],
    type: ['VerifiableCredential', CREDENTIAL_TYPE],
    issuer: did,
    validFrom: now.toISOString(),
    validUntil: new Date(now.getTime() + VALIDITY_MS).toISOString(),
    credentialSubject: {
      id: did,
      type: CREDENTIAL_TYPE,
      'gx:legalName': profile.legalName,
      ...(profile.registrationNumber ? { 'gx:registrationNumber': profile.registrationNumber } : {}),
      ...(profile.headquarters ? { 'gx:headquartersAddress': address(profile.headquarters) } : {}),
      ...(profile.legalAddress ? { 'gx:legalAddress': address(profile.legalAddress) } : {}),
      'dases:roles': profile.roles,
      ...(profile.contact ? { 'dases:contact': profile.contact } : {}),
      'dases:nodeName': profile.name,
    },
  };
}

const fail = (reason: string) => err(new AppError('DS_IDENTITY_INVALID_CREDENTIAL', `participant credential: ${reason}`));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Verifies a VC-JOSE-COSE participant credential against its issuer's DID document: the signing key must be a
 * verification method of that DID, the issuer and subject must both be that DID, and `now` must fall inside
 * the validity window.
 */
export async function verifyParticipantCredential(jwt: string, doc: DidDocument, now: Date): Promise<Result<ParticipantSubject>> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jwt);
    if (header.alg !== 'EdDSA' || header.typ !== 'vc+jwt') return fail('header must have alg EdDSA and typ vc+jwt');
    kid = header.kid;
  } catch {
    return fail('not a compact JWS');
  }
  if (!kid) return fail('header has no kid');
  const method = findVerificationMethod(doc, kid);
  if (!method) return fail(`key ${kid} is not a verification method of ${doc.id}`);
  let payload: unknown;
  try {
    const key = await importJWK(method.publicKeyJwk, 'EdDSA');
    const { payload: bytes } = await compactVerify(jwt, key, { algorithms: ['EdDSA'] });
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return fail('signature does not verify');
  }
  if (!isObject(payload)) return fail('payload is not a credential');
  const ctx = payload['@context'];
  if (!Array.isArray(ctx) || ctx[0] !== VC_CONTEXT) return fail(`@context must start with ${VC_CONTEXT}`);
  const types = payload.type;
  if (!Array.isArray(types) || !types.includes('VerifiableCredential') || !types.includes(CREDENTIAL_TYPE)) return fail(`type must include VerifiableCredential and ${CREDENTIAL_TYPE}`);
  const issuer = isObject(payload.issuer) ? payload.issuer.id : payload.issuer;
  if (issuer !== doc.id) return fail(`issuer ${String(issuer)} is not ${doc.id}`);
  const subject = payload.credentialSubject;
  if (!isObject(subject) || subject.id !== doc.id) return fail('credentialSubject.id must be the issuer DID');
  if (typeof subject['gx:legalName'] !== 'string') return fail('credentialSubject has no gx:legalName');
  const from = Date.parse(String(payload.validFrom));
  const until = payload.validUntil === undefined ? Infinity : Date.parse(String(payload.validUntil));
  if (Number.isNaN(from) || Number.isNaN(until)) return fail('validFrom/validUntil are not dates');
  if (now.getTime() < from) return fail('not valid yet');
  if (now.getTime() >= until) return fail('expired');
  const roles = Array.isArray(subject['dases:roles']) ? subject['dases:roles'].filter((r): r is string => typeof r === 'string') : [];
  const nodeName = typeof subject['dases:nodeName'] === 'string' ? subject['dases:nodeName'] : subject['gx:legalName'];
  return ok({ ...subject, id: doc.id, type: String(subject.type ?? CREDENTIAL_TYPE), 'gx:legalName': subject['gx:legalName'], 'dases:roles': roles, 'dases:nodeName': nodeName });
}
