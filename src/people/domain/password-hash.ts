/** scrypt parameters, stored with every hash (PHC string format) so the cost can be raised later. */
export interface ScryptParams {
  /** log2 of the cost N. */
  ln: number;
  r: number;
  p: number;
}

export interface StoredHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

export const SALT_BYTES = 16;
export const HASH_BYTES = 32;

export function paramsForCost(n: number): ScryptParams {
  const ln = Math.log2(n);
  if (!Number.isInteger(ln) || ln < 1 || ln > 24) throw new RangeError(`scrypt cost must be a power of two, got ${n}`);
  return { ln, r: 8, p: 1 };
}

export function encodeHash(h: StoredHash): string {
  return `$scrypt$ln=${h.params.ln},r=${h.params.r},p=${h.params.p}$${h.salt.toString('base64url')}$${h.hash.toString('base64url')}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

export function decodeHash(s: string): StoredHash | undefined {
  const m = PHC.exec(s);
  if (!m) return undefined;
  return { params: { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }, salt: Buffer.from(m[4] as string, 'base64url'), hash: Buffer.from(m[5] as string, 'base64url') };
}

/** A stored hash made with weaker parameters than today's is rehashed at the next successful sign-in. */
export function isWeaker(stored: ScryptParams, wanted: ScryptParams): boolean {
  return stored.ln < wanted.ln || stored.r < wanted.r || stored.p < wanted.p;
}
