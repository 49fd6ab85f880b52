import { Type } from '@sinclair/typebox';
import type { OdrlNode } from './policy-template.js';

/** The W3C ODRL 2.2 context every instantiated policy names (the node resolves it locally, http and https). */
export const ODRL_CONTEXT_URL = 'http://www.w3.org/ns/odrl.jsonld';
export const DASES_NS = 'https://w3id.org/dases/ns#';
export const DPV_NS = 'https://w3id.org/dpv#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';

/**
 * Events our enforcement points know, used as the origin of elapsed times (ODRL leaves the origin of
 * `elapsedTime` to the profile; `andSequence` with an `event` constraint names it in the policy itself).
 * - contractSigned: the contract carrying the policy became active (its last required signature was recorded);
 * - dataReceived: the assignee received the asset (the transfer that delivered it completed).
 */
export const EVENTS = { contractSigned: `${DASES_NS}contractSigned`, dataReceived: `${DASES_NS}dataReceived` } as const;

/** ISO 3166 codes are written as the ISO Online Browsing Platform address of the code (see README). */
export const iso3166Iri = (code: string): string => `https://www.iso.org/obp/ui/#iso:code:3166:${code}`;
/** ISO 4217 currencies as the EU Publications Office authority table names them (the code is the last segment). */
export const currencyIri = (code: string): string => `http://publications.europa.eu/resource/authority/currency/${code}`;

// Full IRIs rather than prefixed names: a DSP message re-frames the policy under the DSP context, which declares
// no prefix for DPV, XSD or our namespace.
export const iri = (id: string): OdrlNode => ({ '@id': id });
export const typed = (value: string, type: 'dateTime' | 'duration' | 'decimal'): OdrlNode => ({ '@value': value, '@type': `${XSD}${type}` });
export const constraint = (leftOperand: string, operator: string, rightOperand: unknown, extra: OdrlNode = {}): OdrlNode => ({ leftOperand, operator, rightOperand, ...extra });

/** "`leftOperand` compared with `duration` counted from `event`": ODRL's andSequence of an event and an elapsed time. */
export const sinceEvent = (event: string, operator: 'lteq' | 'gteq', duration: string): OdrlNode => ({
  andSequence: { '@list': [constraint('event', 'gt', iri(event)), constraint('elapsedTime', operator, typed(duration, 'duration'))] },
});

export const Did = Type.String({ pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 500, description: 'a participant DID (did:web:…)' });
export const Iri = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$', maxLength: 2000, description: 'an absolute IRI (https:…, did:…, urn:…)' });
/** xsd:duration (ISO 8601 without weeks), at least one component: P90D, P1Y, PT12H. */
export const Duration = Type.String({
  pattern: '^P(?=\\d|T\\d)(\\d+Y)?(\\d+M)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$',
  maxLength: 40,
  description: 'ISO 8601 duration, e.g. P90D, P1Y, P6M, PT12H',
});
