import { createHmac } from 'node:crypto';
import { ifiKey, type Actor } from '../../lrs/index.js';

export interface PseudonymOptions {
  /** The participant's home page: the account every pseudonym lives in (e.g. the node's public URL). */
  homePage: string;
  /** The keyed-hash key (at least 32 bytes). Same key, same learner: same pseudonym, so analyses still join. */
  key: Uint8Array;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** HMAC-SHA-256 over the actor's IFI key (`mbox::mailto:…`, `account::<home>::<name>`, …), as lower-case hex. */
export function pseudonymOf(actor: Actor, key: Uint8Array): string | undefined {
  const ifi = ifiKey(actor);
  return ifi === undefined ? undefined : createHmac('sha256', key).update(ifi, 'utf8').digest('hex');
}

function agentLike(v: unknown): v is Actor {
  return isObject(v) && (v.objectType === undefined || v.objectType === 'Agent' || v.objectType === 'Group') && ['mbox', 'mbox_sha1sum', 'openid', 'account', 'member'].some((k) => v[k] !== undefined);
}

/** One Agent or Group with every identifier and name replaced (names are personal data too). */
function mask(actor: Actor, o: PseudonymOptions): Actor {
  const name = pseudonymOf(actor, o.key);
  if (actor.objectType === 'Group') {
    const members = actor.member?.map((m) => mask(m, o) as Exclude<Actor, { objectType: 'Group' }>);
    return { objectType: 'Group', ...(name ? { account: { homePage: o.homePage, name } } : {}), ...(members ? { member: members } : {}) };
  }
  return { objectType: 'Agent', account: { homePage: o.homePage, name: name ?? '' } };
}

function maskStatement(s: Record<string, unknown>, o: PseudonymOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  for (const k of ['actor', 'authority'] as const) if (agentLike(out[k])) out[k] = mask(out[k] as Actor, o);
  if (agentLike(out.object)) out.object = mask(out.object as Actor, o);
  else if (isObject(out.object) && out.object.objectType === 'SubStatement') out.object = maskStatement(out.object, o);
  if (isObject(out.context)) {
    const c: Record<string, unknown> = { ...out.context };
    for (const k of ['instructor', 'team'] as const) if (agentLike(c[k])) c[k] = mask(c[k] as Actor, o);
    // xAPI 2.0 context agents and groups carry people as well.
    if (Array.isArray(c.contextAgents)) c.contextAgents = c.contextAgents.map((a: unknown) => (isObject(a) && agentLike(a.agent) ? { ...a, agent: mask(a.agent as Actor, o) } : a));
    if (Array.isArray(c.contextGroups)) c.contextGroups = c.contextGroups.map((g: unknown) => (isObject(g) && agentLike(g.group) ? { ...g, group: mask(g.group as Actor, o) } : g));
    out.context = c;
  }
  return out;
}

/**
 * Replaces every person in a statement (actor, authority, Agent/Group objects, SubStatements, instructor, team,
 * 2.0 context agents and groups) by an account on the participant's home page whose name is a keyed hash of the
 * person's identifier. Without the key the pseudonym cannot be reversed or recomputed from a known e-mail address.
 */
export function pseudonymise<T extends Record<string, unknown>>(statement: T, opts: PseudonymOptions): T {
  return maskStatement(statement, opts) as T;
}
