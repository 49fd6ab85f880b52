/**
 * How a witness judges a participant's newly presented tree head against the heads it verified before (RFC 9162
 * §8.1.3 "gossip" in spirit): a log that signs two heads which cannot both be prefixes of one append-only tree
 * has shown different views to different parties. Pure: the consistency check is passed in.
 */
export interface SeenHead {
  size: number;
  /** Base64 of the 32-byte root. */
  rootHash: string;
  jws: string;
}

export type Verdict =
  /** Nothing seen from this participant before: trusted on first use. */
  | { kind: 'first' }
  /** The same size and root as the latest head seen. */
  | { kind: 'same' }
  /** A larger tree whose consistency proof from the latest head seen verifies. */
  | { kind: 'extends'; from: SeenHead }
  | { kind: 'split-view'; reason: string; known: SeenHead };

export type ConsistencyCheck = (first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]) => boolean;

export interface Presented {
  head: { size: number; rootHash: string };
  /** The consistency proof from `latest.size` to the presented size, decoded. */
  proof: readonly Uint8Array[];
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
// Roots are compared as bytes: two base64 spellings of one root are the same root.
const sameRoot = (x: string, y: string) => Buffer.from(x, 'base64').equals(Buffer.from(y, 'base64'));

export function judgeHead(input: { latest: SeenHead | undefined; sameSize: SeenHead | undefined; presented: Presented; verifyConsistency: ConsistencyCheck }): Verdict {
  const { latest, sameSize, presented, verifyConsistency } = input;
  const { size, rootHash } = presented.head;
  if (sameSize && !sameRoot(sameSize.rootHash, rootHash)) {
    return { kind: 'split-view', reason: `two different roots signed for size ${size}`, known: sameSize };
  }
  if (!latest) return { kind: 'first' };
  if (size < latest.size) return { kind: 'split-view', reason: `the log shrank from size ${latest.size} to ${size}`, known: latest };
  if (size === latest.size) {
    return sameRoot(latest.rootHash, rootHash) ? { kind: 'same' } : { kind: 'split-view', reason: `two different roots signed for size ${size}`, known: latest };
  }
  if (!verifyConsistency(latest.size, size, bytes(latest.rootHash), bytes(rootHash), presented.proof)) {
    return { kind: 'split-view', reason: `the consistency proof from size ${latest.size} to ${size} does not verify`, known: latest };
  }
  return { kind: 'extends', from: latest };
}
