import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';

/** The uses consumed per agreement (usage_counters). */
export class SqlUsageCounterStore {
  constructor(private readonly db: Kysely<DB>) {}

  async uses(agreementId: string): Promise<number> {
    const row = await this.db.selectFrom('usage_counters').select('uses').where('agreement_id', '=', agreementId).executeTakeFirst();
    return row?.uses ?? 0;
  }

  /**
   * Moves the counter from `seen` to `seen + 1` only if nobody moved it since it was read (compare-and-set; the
   * row is created on the first use). False: another request consumed a use meanwhile, read and decide again.
   */
  async advance(agreementId: string, seen: number, now: Date): Promise<boolean> {
    if (seen === 0) {
      const inserted = await this.db
        .insertInto('usage_counters')
        .values({ agreement_id: agreementId, uses: 1, updated_at: now })
        .onConflict((oc) => oc.column('agreement_id').doUpdateSet({ uses: 1, updated_at: now }).where('usage_counters.uses', '=', 0))
        .returning('uses')
        .executeTakeFirst();
      return inserted !== undefined;
    }
    const updated = await this.db.updateTable('usage_counters').set({ uses: seen + 1, updated_at: now }).where('agreement_id', '=', agreementId).where('uses', '=', seen).executeTakeFirst();
    return updated.numUpdatedRows === 1n;
  }

  /** One more use, unconditionally (policies without a count constraint: nothing is decided on the number). */
  async increment(agreementId: string, now: Date): Promise<void> {
    await this.db
      .insertInto('usage_counters')
      .values({ agreement_id: agreementId, uses: 1, updated_at: now })
      .onConflict((oc) => oc.column('agreement_id').doUpdateSet((eb) => ({ uses: eb('usage_counters.uses', '+', 1), updated_at: now })))
      .execute();
  }
}
