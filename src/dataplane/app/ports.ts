import type { Kysely } from 'kysely';
import type { JWK } from 'jose';
import type { DB } from '../../db/index.js';
import type { DistributionSource } from '../../catalog/index.js';

/** Where a provider's bytes come from: the catalog's distribution source. */
export type { DistributionSource };

/** Consumer-side destinations (management API `dataDestination`). */
export type DataDestination =
  | { type: 'file'; path: string }
  | { type: 'folder'; path: string }
  | { type: 'rest'; url: string; method?: 'POST' | 'PUT'; connection?: string };

/** DSP 2025-1 DataAddress; the token travels as endpointProperties `authorization` (+ `authType: bearer`). */
export interface DataAddress {
  '@type': 'DataAddress';
  endpointType: 'https://w3id.org/idsa/v4.1/HTTP';
  endpoint: string;
  endpointProperties: Array<{ '@type': 'EndpointProperty'; name: string; value: string }>;
}

export interface Measurement {
  bytes: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  startedAt: Date;
  endedAt: Date;
  /** True only when the whole content, to its end, went through without error. */
  complete: boolean;
}

/** Implemented by the transfer context: the policy enforcement point, asked on every data-plane request. */
export interface TransferGate {
  /** `agreementId`: what the caller's token (signed by this node) says the transfer's agreement is; a hint, checked. */
  authorizePull(transferId: string, callerDid: string, agreementId?: string): Promise<{ source: DistributionSource; finite: boolean; mediaType?: string }>;
  authorizePush(transferId: string, callerDid: string): Promise<{ destination: DataDestination }>;
  streamEnded(transferId: string, side: 'provider' | 'consumer', m: Measurement): Promise<void>;
}

/** identity.signer, structurally. */
export interface TokenSigner {
  sign(payload: object, typ: string): Promise<string>;
  publicKey(kid?: string): Promise<{ kid: string; publicKeyJwk: JWK }>;
}

/** identity.sealer, structurally: AES-GCM under the node's master key, bound to `aad`. */
/** This node's xAPI LRS, for `lrs` distributions (src/lrs with src/xapi's pseudonyms; the lead wires it). */
export interface LrsStatements {
  /** Statements matching the Statements resource filter parameters, oldest first; throws an AppError for a bad filter. */
  statements(query: Record<string, string>, opts: { pseudonymise: boolean }): AsyncIterable<unknown>;
}

export interface Sealer {
  seal(plain: string, aad: string): string;
  open(sealed: string, aad: string): string;
}

/** Where connection changes are recorded (the node may wire the transparency log); runs in the change's transaction. */
export interface ConnectionAudit {
  record(tx: Kysely<DB>, event: { type: 'connection.saved' | 'connection.deleted'; subject: string; payload: Record<string, unknown> }): Promise<void>;
}
