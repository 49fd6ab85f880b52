import type { FieldError } from '../../kernel/index.js';

/**
 * xAPI Agents and Groups (xAPI 1.0.3 §4.1.2.1–2; IEEE 9274.1.1 §9.2.2): an Agent is identified by exactly one
 * Inverse Functional Identifier (IFI): mbox (mailto:), mbox_sha1sum (SHA-1 hex of the mailto IRI), openid (URI) or
 * account {homePage, name}. An identified Group has one IFI too; an anonymous Group has none and lists members.
 * The IFI key is how the LRS stores and matches actors: `mbox::mailto:…`, `mbox_sha1sum::<hex>`, `openid::…`,
 * `account::<homePage>::<name>`.
 */
export type Ifi = { mbox: string } | { mbox_sha1sum: string } | { openid: string } | { account: { homePage: string; name: string } };

export interface Agent {
  objectType?: 'Agent';
  name?: string;
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: { homePage: string; name: string };
}

export interface Group {
  objectType: 'Group';
  name?: string;
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: { homePage: string; name: string };
  member?: Agent[];
}

export type Actor = Agent | Group;

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;
const MAILTO = /^mailto:[^\s@]+@[^\s@]+$/i;
const SHA1 = /^[0-9a-f]{40}$/i;
/** An absolute IRI/URI: a scheme, a colon, no spaces (RFC 3987 in spirit; the LRS is strict only where xAPI is). */
export const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The IFI fields present on an object (any of the four). */
export function ifiFields(v: Record<string, unknown>): Array<(typeof IFI_KEYS)[number]> {
  return IFI_KEYS.filter((k) => v[k] !== undefined);
}

/** Checks the IFI of an Agent or identified Group at `path`; pushes errors naming the offending field. */
function checkIfi(v: Record<string, unknown>, path: string, errors: FieldError[]): void {
  if (v.mbox !== undefined && (typeof v.mbox !== 'string' || !MAILTO.test(v.mbox))) errors.push({ path: `${path}/mbox`, message: 'must be a mailto: IRI' });
  if (v.mbox_sha1sum !== undefined && (typeof v.mbox_sha1sum !== 'string' || !SHA1.test(v.mbox_sha1sum))) errors.push({ path: `${path}/mbox_sha1sum`, message: 'must be the 40 hex digits of a SHA-1' });
  if (v.openid !== undefined && (typeof v.openid !== 'string' || !ABSOLUTE_IRI.test(v.openid))) errors.push({ path: `${path}/openid`, message: 'must be an absolute URI' });
  if (v.account !== undefined) {
    if (!isObject(v.account)) errors.push({ path: `${path}/account`, message: 'must be an object with homePage and name' });
    else {
      const a = v.account;
      for (const k of Object.keys(a)) if (k !== 'homePage' && k !== 'name') errors.push({ path: `${path}/account/${k}`, message: 'is not an Account property' });
      if (typeof a.homePage !== 'string' || !ABSOLUTE_IRI.test(a.homePage)) errors.push({ path: `${path}/account/homePage`, message: 'must be an absolute IRL' });
      if (typeof a.name !== 'string' || a.name === '') errors.push({ path: `${path}/account/name`, message: 'must be a non-empty string' });
    }
  }
}

/**
 * Validates an Agent (or, with `allowGroup`, a Group) at `path` (a JSON pointer such as `/actor`). Returns the
 * errors; an empty list means valid. Unknown properties are refused, as the specification requires.
 */
export function validateActor(v: unknown, path: string, opts: { allowGroup?: boolean } = {}): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(v)) return [{ path, message: 'must be an Agent or Group object' }];
  const type = v.objectType ?? 'Agent';
  if (type !== 'Agent' && type !== 'Group') return [{ path: `${path}/objectType`, message: 'must be "Agent" or "Group"' }];
  if (type === 'Group' && opts.allowGroup === false) return [{ path: `${path}/objectType`, message: 'must be an Agent here' }];
  const allowed = new Set(['objectType', 'name', ...IFI_KEYS, ...(type === 'Group' ? ['member'] : [])]);
  for (const k of Object.keys(v)) if (!allowed.has(k)) errors.push({ path: `${path}/${k}`, message: `is not a property of an ${type}` });
  if (v.name !== undefined && typeof v.name !== 'string') errors.push({ path: `${path}/name`, message: 'must be a string' });
  const ifis = ifiFields(v);
  if (type === 'Agent' && ifis.length !== 1) errors.push({ path, message: `an Agent needs exactly one of mbox, mbox_sha1sum, openid, account (found ${ifis.length})` });
  if (type === 'Group' && ifis.length > 1) errors.push({ path, message: 'a Group has at most one of mbox, mbox_sha1sum, openid, account' });
  checkIfi(v, path, errors);
  if (type === 'Group') {
    if (v.member !== undefined && !Array.isArray(v.member)) errors.push({ path: `${path}/member`, message: 'must be an array of Agents' });
    if (ifis.length === 0 && (!Array.isArray(v.member) || v.member.length === 0)) errors.push({ path: `${path}/member`, message: 'an anonymous Group must list its members' });
    if (Array.isArray(v.member)) v.member.forEach((m, i) => errors.push(...validateActor(m, `${path}/member/${i}`, { allowGroup: false })));
  }
  return errors;
}

/** The IFI key of an identified Agent or Group (undefined for an anonymous Group). Assumes a valid actor. */
export function ifiKey(v: Actor): string | undefined {
  if (v.mbox !== undefined) return `mbox::${v.mbox.toLowerCase().startsWith('mailto:') ? `mailto:${v.mbox.slice(7)}` : v.mbox}`;
  if (v.mbox_sha1sum !== undefined) return `mbox_sha1sum::${v.mbox_sha1sum.toLowerCase()}`;
  if (v.openid !== undefined) return `openid::${v.openid}`;
  if (v.account !== undefined) return `account::${v.account.homePage}::${v.account.name}`;
  return undefined;
}

/** Every IFI key an actor stands for: its own, and for a Group its members' (for `agent` and `related_agents`). */
export function actorKeys(v: Actor): string[] {
  const keys: string[] = [];
  const own = ifiKey(v);
  if (own) keys.push(own);
  if (v.objectType === 'Group') for (const m of v.member ?? []) {
    const k = ifiKey(m);
    if (k) keys.push(k);
  }
  return [...new Set(keys)];
}
