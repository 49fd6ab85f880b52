import type { Kysely, SelectQueryBuilder } from 'kysely';
import { json, type DB } from '../../db/index.js';
import type { Profile } from '../domain/profile.js';

/** The profile the node runs with, and the profile last read from configuration (to notice config edits). */
export interface StoredProfile {
  current: Profile;
  fromConfig: Profile;
}

export interface IdentityRow {
  profile: StoredProfile;
  credential: string;
  updatedAt: Date;
}

export class SqlIdentityStore {
  constructor(private readonly db: Kysely<DB>) {}

  async get(did: string): Promise<IdentityRow | undefined> {
    const row = await this.db.selectFrom('node_identity').select(['profile', 'credential', 'updated_at']).where('did', '=', did).executeTakeFirst();
    return row && { profile: row.profile as StoredProfile, credential: row.credential, updatedAt: row.updated_at };
  }

  async put(did: string, profile: StoredProfile, credential: string, now: Date): Promise<void> {
    await this.db
      .insertInto('node_identity')
      .values({ did, profile: json(profile), credential, updated_at: now })
      .onConflict((oc) => oc.column('did').doUpdateSet({ profile: json(profile), credential, updated_at: now }))
      .execute();
  }
}

export type ParticipantStatus = 'active' | 'suspended';
/** A query of one participant's registry status (the participants context builds it). */
export type StatusRead = SelectQueryBuilder<DB, 'participants', { status: ParticipantStatus }>;

export class SqlSeenTokenStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Single statement, so two processes racing on the same jti cannot both win. */
  async markSeen(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const row = await this.db
      .insertInto('seen_tokens')
      .values({ issuer, jti, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['issuer', 'jti']).doNothing())
      .returning('jti')
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * markSeen and a read of the issuer's registry status in one statement (one round trip on every node-to-node
   * message): `read` is the participants context's query of that status.
   */
  async markSeenReading(issuer: string, jti: string, expiresAt: Date, read: StatusRead): Promise<{ fresh: boolean; status: ParticipantStatus | undefined }> {
    const row = await this.db
      .with('j', (qb) => qb.insertInto('seen_tokens').values({ issuer, jti, expires_at: expiresAt }).onConflict((oc) => oc.columns(['issuer', 'jti']).doNothing()).returning('jti'))
      .selectNoFrom((eb) => [eb.exists(eb.selectFrom('j').select('jti')).as('fresh'), read.as('status')])
      .executeTakeFirstOrThrow();
    return { fresh: Boolean(row.fresh), status: row.status ?? undefined };
  }

  async sweep(now: Date): Promise<number> {
    const res = await this.db.deleteFrom('seen_tokens').where('expires_at', '<', now).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
