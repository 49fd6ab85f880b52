import type { JWK } from 'jose';
import { exactCheck, headSignatureProblem, type VerifyDeps, type VerifyReport } from './verify-exact.js';
import { quickCheck } from './verify-fast.js';
import { nodeKey } from '../domain/merkle-tree.js';
import { frontier } from './append.js';
import type { LedgerState } from './ledger.store.js';

export type { ProblemReason, VerifyProblem, VerifyReport } from './verify-exact.js';

/**
 * `dases log verify`: recomputes every leaf from the stored canonical text, every complete subtree and the root
 * at every stored head's size, and checks every head's signature. A quick pass compares whole levels by digest;
 * when anything differs, the exact pass compares row by row and reports the first bad index and why.
 */
export async function verifyLog(deps: VerifyDeps): Promise<VerifyReport> {
  const started = deps.now();
  // Heads first: a head is only signed once its size is committed, so every head read is within the state read.
  const heads = await deps.store.heads();
  const state = await deps.store.state(deps.db);
  const quick = await quickCheck(deps.store, state.size, heads, state.root, deps.leafSource ?? 'text');
  if (quick.clean && (await frontierMatches(deps, state))) {
    const keys = new Map<string, JWK>();
    let signed = true;
    for (const h of heads) if (await headSignatureProblem(h, deps, keys)) signed = false;
    const beyond = await deps.store.beyond((await deps.store.state(deps.db)).size);
    if (signed && beyond.entries === 0 && beyond.nodes === 0) {
      return { ok: true, size: state.size, checkedEntries: state.size, checkedHeads: quick.checkedHeads, problems: [], durationMs: Math.round(deps.now() - started) };
    }
  }
  const report = await exactCheck(deps, state, heads);
  return { ...report, durationMs: Math.round(deps.now() - started) };
}

/** The right edge kept in the state row is the stored nodes it was derived from (which the quick pass checked). */
async function frontierMatches(deps: VerifyDeps, state: LedgerState): Promise<boolean> {
  const ids = frontier(state.size);
  const stored = await deps.store.nodes(deps.db, ids);
  return ids.length === state.frontier.length && ids.every((n, i) => {
    const h = stored.get(nodeKey(n.level, n.index));
    return h !== undefined && Buffer.compare(h, state.frontier[i]!) === 0;
  });
}
