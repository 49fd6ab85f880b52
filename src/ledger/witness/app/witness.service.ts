import { AppError, type Clock, type Logger } from '../../../kernel/index.js';
import { verifyConsistency } from '../../domain/merkle-proofs.js';
import { decodeTreeHead, verifyTreeHeadJws, type TreeHead } from '../../domain/tree-head.js';
import type { LogHeadClient } from '../adapters/log-head.client.js';
import type { SqlWitnessStore, WitnessedHead } from '../adapters/sql-witness.store.js';
import { COSIGNATURE_TYP, type Cosignature } from '../domain/cosignature.js';
import { judgeHead, type Verdict } from '../domain/split-view.js';
import { invalidHead, verifyWithDid } from './head-verifier.js';
import type { WitnessDirectory, WitnessLedger, WitnessResolver, WitnessSigner } from './witness.ports.js';

export interface WitnessOutcome extends WitnessedHead {
  /** Whether the participant accepted our cosignature (it is stored on our side either way). */
  delivered: boolean;
}

export interface WitnessDeps {
  did: string;
  clock: Clock;
  logger: Logger;
  store: SqlWitnessStore;
  ledger: WitnessLedger;
  client: LogHeadClient;
  resolver: WitnessResolver;
  signer: WitnessSigner;
  participants: WitnessDirectory;
}

const B64 = /^[A-Za-z0-9+/]{43}=$/;

function decodeProof(proof: string[] | undefined): Uint8Array[] {
  if (!proof) return [];
  if (!proof.every((h) => B64.test(h))) throw invalidHead('consistencyProof: every hash must be 32 bytes in base64');
  return proof.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
}

/**
 * Witnessing one participant: fetch its newest signed head with a consistency proof from the last head we
 * verified, check the signature against its DID document and the proof against what we saw before, then store
 * and counter-sign it, or record the split view. Network calls happen outside every transaction.
 */
export function createWitness(deps: WitnessDeps) {
  const { store, ledger, clock } = deps;

  async function verifiedHead(participant: string, jws: string, size: number): Promise<TreeHead> {
    const decoded = decodeTreeHead(jws);
    if (!decoded.ok) throw invalidHead(decoded.reason);
    if (decoded.value.head.iss !== participant) throw invalidHead(`the head is issued by ${decoded.value.head.iss}, not ${participant}`);
    const { head } = await verifyWithDid(deps.resolver, participant, decoded.value.kid, (key) => verifyTreeHeadJws(jws, key), invalidHead);
    if (head.iss !== participant) throw invalidHead(`the head is issued by ${head.iss}, not ${participant}`);
    if (head.size !== size) throw invalidHead(`the answer says size ${size} but the signed head says ${head.size}`);
    return head;
  }

  async function splitView(participant: string, verdict: Extract<Verdict, { kind: 'split-view' }>, presented: TreeHead, jws: string): Promise<never> {
    const detectedAt = clock.now().toISOString();
    await store.transaction(async (s, tx) => {
      // Evidence is recorded once; the participant showing the same head again is refused without a new entry.
      if (await s.hasSplitView(participant, jws)) return;
      await s.recordSplitView({ participant, size: presented.size, reason: verdict.reason, knownHead: verdict.known.jws, presentedHead: jws, detectedAt });
      await ledger.append(tx, {
        type: 'witness.split-view',
        actor: deps.did,
        subject: participant,
        payload: { participant, size: presented.size, reason: verdict.reason, knownHead: verdict.known.jws, presentedHead: jws },
      });
    });
    deps.logger.error({ participant, size: presented.size, reason: verdict.reason }, 'split view detected in a participant log');
    throw new AppError('DS_LEDGER_WITNESS_SPLIT_VIEW', `${participant}: ${verdict.reason}`, [{ path: '/remote/head', message: verdict.reason }]);
  }

  async function cosign(participant: string, head: TreeHead, jws: string): Promise<WitnessedHead> {
    const payload: Cosignature = { subject: participant, size: head.size, rootHash: head.rootHash, timestamp: head.timestamp, witness: deps.did };
    const cosignature = await deps.signer.sign(payload, COSIGNATURE_TYP);
    const w: WitnessedHead = { participant, size: head.size, rootHash: head.rootHash, timestamp: head.timestamp, head: jws, cosignature, observedAt: clock.now().toISOString() };
    await store.transaction(async (s, tx) => {
      await s.saveWitnessed(w);
      await ledger.append(tx, { type: 'witness.cosigned', actor: deps.did, subject: participant, payload: { participant, size: head.size, rootHash: head.rootHash, timestamp: head.timestamp } });
    });
    return w;
  }

  return async function witness(participant: string): Promise<WitnessOutcome> {
    const p = await deps.participants.get(participant);
    const dsp = p?.status === 'active' ? p.endpoints.dsp : undefined;
    if (!dsp) throw new AppError('DS_LEDGER_WITNESS_NO_ENDPOINT', `${participant} is not an active participant with a DSP endpoint`, [{ path: '/body/participant', message: 'not an active participant with a DSP endpoint' }]);
    const latest = await store.latest(participant);
    const answer = await deps.client.fetchHead(dsp, participant, latest?.size ?? 0);
    const head = await verifiedHead(participant, answer.head, answer.size);
    const proof = decodeProof(answer.consistencyProof);
    const same = await store.witnessed(participant, head.size);
    const sameSize = same && { size: same.size, rootHash: same.rootHash, jws: same.head };
    const verdict = judgeHead({ latest, sameSize, presented: { head, proof }, verifyConsistency });
    if (verdict.kind === 'split-view') return splitView(participant, verdict, head, answer.head);

    // The very head we already cosigned: nothing new to log; the cosignature is offered again (idempotent there).
    const w = same && same.head === answer.head ? same : await cosign(participant, head, answer.head);
    let delivered = true;
    try {
      await deps.client.sendCosignature(dsp, participant, answer.head, w.cosignature);
    } catch (e) {
      delivered = false;
      deps.logger.warn({ err: e, participant }, 'cosignature not accepted by the participant');
    }
    return { ...w, delivered };
  }
}
