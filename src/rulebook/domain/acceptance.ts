import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

/** The JWS `typ` of a member's acceptance of a rulebook version. */
export const ACCEPTANCE_TYP = 'dases-rulebook-acceptance+jwt';

/** What a member signs (with its DID key) to accept a rulebook version and the role it holds under it. */
export interface RulebookAcceptance {
  ecosystem: string;
  orchestrator: string;
  /** The hash of the accepted version: 'sha256:' + hex. */
  rulebook: string;
  version: number;
  member: string;
  role: string;
  acceptedAt: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const isAcceptance = (v: unknown): v is RulebookAcceptance => {
  const a = v as Partial<RulebookAcceptance> | null;
  return (
    typeof a === 'object' && a !== null && typeof a.ecosystem === 'string' && typeof a.orchestrator === 'string' && typeof a.rulebook === 'string' &&
    Number.isSafeInteger(a.version) && typeof a.member === 'string' && typeof a.role === 'string' && typeof a.acceptedAt === 'string'
  );
};

const fail = (why: string): { ok: false; reason: string } => ({ ok: false, reason: `acceptance: ${why}` });

/** Reads an acceptance without checking its signature (to find the key of the member's DID that must verify it). */
export function decodeAcceptance(jws: string): Checked<{ acceptance: RulebookAcceptance; kid: string }> {
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== 'EdDSA') return fail('alg must be EdDSA');
    if (header.typ !== ACCEPTANCE_TYP) return fail(`typ must be ${ACCEPTANCE_TYP}`);
    if (typeof header.kid !== 'string') return fail('kid is missing');
    const payload: unknown = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isAcceptance(payload)) return fail('payload lacks ecosystem, orchestrator, rulebook, version, member, role or acceptedAt');
    if (!header.kid.startsWith(`${payload.member}#`)) return fail(`key ${header.kid} is not a key of ${payload.member}`);
    return { ok: true, value: { acceptance: payload, kid: header.kid } };
  } catch {
    return fail('not a compact JWS');
  }
}

/** Checks structure and the Ed25519 signature with `key`; returns the payload read from the verified bytes. */
export async function verifyAcceptance(jws: string, key: JWK): Promise<Checked<RulebookAcceptance>> {
  const decoded = decodeAcceptance(jws);
  if (!decoded.ok) return decoded;
  try {
    const { payload } = await compactVerify(jws, await importJWK({ ...key, alg: 'EdDSA' }, 'EdDSA'), { algorithms: ['EdDSA'] });
    const p: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
    return isAcceptance(p) ? { ok: true, value: p } : fail('payload lacks the acceptance fields');
  } catch {
    return fail('signature does not verify');
  }
}

/** What the acceptance must say for the orchestrator to take it: this ecosystem, version, hash, member and role. */
export function acceptanceMismatch(a: RulebookAcceptance, expected: Omit<RulebookAcceptance, 'acceptedAt'>): string | undefined {
  for (const k of ['ecosystem', 'orchestrator', 'rulebook', 'version', 'member', 'role'] as const) {
    if (a[k] !== expected[k]) return `the acceptance names ${k} ${JSON.stringify(a[k])}, expected ${JSON.stringify(expected[k])}`;
  }
  return undefined;
}
