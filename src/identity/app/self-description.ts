import { CompactSign, decodeProtectedHeader, type CryptoKey } from 'jose';
import type { Clock } from '../../kernel/index.js';
import { buildParticipantCredential, type ParticipantCredential } from '../domain/participant-credential.js';
import { sameProfile, type Profile } from '../domain/profile.js';
import type { SqlIdentityStore, StoredProfile } from '../adapters/sql-identity.store.js';

/** Reissue a little before expiry so a counterparty never sees an expired self-description. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

export interface SelfDescription {
  profile(): Promise<Profile>;
  /** The current credential, reissued first if the profile or the active key changed or it nears expiry. */
  credential(): Promise<string>;
  setProfile(profile: Profile): Promise<string>;
  /** Applies the configured profile at start-up: it wins only when the configuration itself changed. */
  applyConfig(configProfile: Profile): Promise<void>;
}

export const decodeCredential = (jwt: string): ParticipantCredential => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as ParticipantCredential;

export function createSelfDescription(deps: {
  did: string;
  clock: Clock;
  store: SqlIdentityStore;
  activeKey: () => Promise<{ kid: string; privateKey: CryptoKey }>;
}): SelfDescription {
  const { did, clock, store } = deps;
  const issue = async (profile: Profile): Promise<string> => {
    const { kid, privateKey } = await deps.activeKey();
    const vc = buildParticipantCredential(did, profile, clock.now());
    return new CompactSign(new TextEncoder().encode(JSON.stringify(vc))).setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${did}#${kid}` }).sign(privateKey);
  };
  const save = async (p: StoredProfile) => {
    const jwt = await issue(p.current);
    await store.put(did, p, jwt, clock.now());
    return jwt;
  };
  const load = async () => {
    const row = await store.get(did);
    if (!row) throw new Error('the node identity is not initialised');
    return row;
  };
  return {
    profile: async () => (await load()).profile.current,
    async credential() {
      const row = await load();
      const { kid } = await deps.activeKey();
      const header = decodeProtectedHeader(row.credential);
      const until = Date.parse(decodeCredential(row.credential).validUntil);
      if (header.kid !== `${did}#${kid}` || until - clock.now().getTime() < RENEW_BEFORE_MS) return save(row.profile);
      return row.credential;
    },
    async setProfile(profile) {
      const row = await load();
      return save({ current: profile, fromConfig: row.profile.fromConfig });
    },
    async applyConfig(configProfile) {
      const row = await store.get(did);
      if (!row || !sameProfile(row.profile.fromConfig, configProfile)) await save({ current: configProfile, fromConfig: configProfile });
    },
  };
}
