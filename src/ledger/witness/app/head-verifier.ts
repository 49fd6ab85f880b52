import type { JWK } from 'jose';
import { findVerificationMethod, type DidDocument } from '../../../identity/index.js';
import { AppError } from '../../../kernel/index.js';
import type { WitnessResolver } from './witness.ports.js';

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Verifies a JWS signed by `did` with a key of its DID document. An unknown kid may be a key rotated in since the
 * document was cached, so the document is fetched once more before giving up.
 */
export async function verifyWithDid<T>(
  resolver: WitnessResolver,
  did: string,
  kid: string,
  verify: (key: JWK) => Promise<Checked<T>>,
  fail: (reason: string) => AppError,
): Promise<T> {
  const keyOf = (doc: DidDocument) => findVerificationMethod(doc, kid)?.publicKeyJwk;
  let key = keyOf(await resolver.resolve(did));
  if (!key) {
    resolver.invalidate(did);
    key = keyOf(await resolver.resolve(did));
  }
  if (!key) throw fail(`key ${kid} is not in the DID document of ${did}`);
  const checked = await verify(key);
  if (!checked.ok) throw fail(checked.reason);
  return checked.value;
}

export const invalidHead = (reason: string) => new AppError('DS_LEDGER_WITNESS_INVALID_HEAD', reason, [{ path: '/remote/head', message: reason }]);
