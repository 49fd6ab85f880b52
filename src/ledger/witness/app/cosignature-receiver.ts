import { AppError, type Clock } from '../../../kernel/index.js';
import type { ReceivedCosignature, SqlWitnessStore } from '../adapters/sql-witness.store.js';
import { decodeCosignature, verifyCosignature } from '../domain/cosignature.js';
import { decodeTreeHead } from '../../domain/tree-head.js';
import { verifyWithDid } from './head-verifier.js';
import type { WitnessResolver } from './witness.ports.js';

const badCosignature = (reason: string) => new AppError('DS_LEDGER_WITNESS_INVALID_COSIGNATURE', reason, [{ path: '/body/cosignature', message: reason }]);

/**
 * The log side of witnessing: a trusted participant (the authenticated caller) sends its cosignature of one of
 * our heads. It is kept only if the witness's DID document verifies it, it names us and that head exactly, and
 * the head is one we signed.
 */
export function createCosignatureReceiver(deps: { did: string; clock: Clock; store: SqlWitnessStore; resolver: WitnessResolver }) {
  return async function receive(witness: string, head: string, cosignature: string): Promise<ReceivedCosignature> {
    const decoded = decodeCosignature(cosignature);
    if (!decoded.ok) throw badCosignature(decoded.reason);
    if (decoded.value.cosignature.witness !== witness) throw badCosignature(`the cosignature is by ${decoded.value.cosignature.witness}, not the caller ${witness}`);
    const c = await verifyWithDid(deps.resolver, witness, decoded.value.kid, (key) => verifyCosignature(cosignature, key), badCosignature);
    if (c.subject !== deps.did) throw badCosignature(`the cosignature is about ${c.subject}, not this node`);

    const ours = decodeTreeHead(head);
    const stored = ours.ok ? await deps.store.ownHead(ours.value.head.size) : undefined;
    if (!ours.ok || stored !== head) throw new AppError('DS_LEDGER_WITNESS_UNKNOWN_HEAD', 'the head is not one this node signed', [{ path: '/body/head', message: 'not a head this node signed' }]);
    const h = ours.value.head;
    if (c.size !== h.size || c.rootHash !== h.rootHash || c.timestamp !== h.timestamp) throw badCosignature('the cosignature does not name this head (size, rootHash and timestamp must match)');

    const received: ReceivedCosignature = { size: h.size, witness, cosignature, receivedAt: deps.clock.now().toISOString() };
    await deps.store.saveCosignature(received);
    return received;
  };
}
