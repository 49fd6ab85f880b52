import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { PersonConsentExport, RightsConsents } from '../app/ports.js';

/**
 * Test helper: the two reads of the rights port over src/consent's own tables, as the lead's wiring would do them
 * inside src/consent (its store's `listByPerson` + `receipts`, and `get`). Kept here, in tests only, until the
 * consent context exposes them: rights itself never reads another context's tables.
 */
export function consentTablesReader(db: Kysely<DB>): RightsConsents {
  return {
    async ofPerson(personId: string): Promise<PersonConsentExport[]> {
      const rows = await db.selectFrom('consents').selectAll().where('person_id', '=', personId).orderBy('updated_at', 'desc').orderBy('id').execute();
      const out: PersonConsentExport[] = [];
      for (const r of rows) {
        const receipts = await db.selectFrom('consent_receipts').select(['seq', 'jws', 'hash', 'state', 'created_at']).where('consent_id', '=', r.id).orderBy('seq').execute();
        out.push({
          id: r.id,
          status: r.status,
          providerDid: r.provider_did,
          consumerDid: r.consumer_did,
          datasetId: r.dataset_id,
          purpose: r.purpose,
          ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
          record: r.record,
          receipts: receipts.map((x) => ({ seq: x.seq, state: x.state, jws: x.jws, hash: x.hash, createdAt: x.created_at })),
        });
      }
      return out;
    },
    async parties(consentId: string) {
      const r = await db.selectFrom('consents').select(['person_id', 'provider_did', 'consumer_did', 'dataset_id', 'purpose']).where('id', '=', consentId).executeTakeFirst();
      return r && { personId: r.person_id, providerDid: r.provider_did, consumerDid: r.consumer_did, datasetId: r.dataset_id, purpose: r.purpose };
    },
  };
}
