/** A person's link with a participant, on the intermediary: opened by the person, confirmed by the participant. */
export type LinkStatus = 'pending' | 'confirmed' | 'revoked';

export interface Link {
  id: string;
  personId: string;
  participantDid: string;
  status: LinkStatus;
  subjectId?: string;
  codeExpiresAt?: Date;
  createdAt: Date;
  confirmedAt?: Date;
  revokedAt?: Date;
}

/** A link code lives 15 minutes: long enough to hand it to the participant, short enough to be useless later. */
export const LINK_CODE_TTL_MS = 15 * 60 * 1000;

/** Crockford base32 (no I, L, O, U): a code read aloud or typed by hand survives common confusions. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LINK_CODE_CHARS = 12;

/** Formats 12 random 5-bit symbols (60 bits) as XXXX-XXXX-XXXX. */
export function formatLinkCode(random: Uint8Array): string {
  if (random.length < LINK_CODE_CHARS) throw new RangeError(`need ${LINK_CODE_CHARS} random bytes`);
  const chars = Array.from(random.subarray(0, LINK_CODE_CHARS), (b) => ALPHABET[b & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/** The canonical form of a code as typed: case, dashes and spaces do not matter; O, I and L read as 0, 1, 1. */
export function normaliseLinkCode(typed: string): string | undefined {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return s.length === LINK_CODE_CHARS && [...s].every((c) => ALPHABET.includes(c)) ? s : undefined;
}

export type ConfirmRefusal = 'expired' | 'wrong-participant';

/** Whether a pending link may be confirmed now by `callerDid`. */
export function canConfirm(link: Pick<Link, 'status' | 'participantDid' | 'codeExpiresAt'>, callerDid: string, now: Date): ConfirmRefusal | undefined {
  if (link.participantDid !== callerDid) return 'wrong-participant';
  if (!link.codeExpiresAt || link.codeExpiresAt.getTime() <= now.getTime()) return 'expired';
  return undefined;
}
