import type { JWK } from 'jose';
import { sql, type Kysely, type Selectable } from 'kysely';
import { json, type ContractNoticesTable, type ContractSignaturesTable, type ContractsTable, type DB } from '../../db/index.js';
import { requiredParties, type ContractDocument } from '../domain/contract-document.js';
import type { ContractQuery, ContractRecord, ContractStore, NewSignedContract, NoticeRecord, SignatureRecord, VersionRecord } from '../app/contract.store.js';

type ContractRow = Selectable<ContractsTable> & { valid_until: Date | null };

const toContract = (r: ContractRow): ContractRecord => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  agreementId: r.agreement_id,
  status: r.status,
  currentHash: r.current_hash,
  latestHash: r.latest_hash,
  validUntil: r.valid_until,
  ended: r.ended_by !== null && r.ended_at !== null ? { by: r.ended_by, reason: r.ended_reason ?? '', at: r.ended_at } : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toSignature = (r: Selectable<ContractSignaturesTable>): SignatureRecord => ({ signer: r.signer_did, jws: r.jws, kid: r.kid, publicKeyJwk: r.public_jwk as JWK, signedAt: r.signed_at });

const toNotice = (r: Selectable<ContractNoticesTable>): NoticeRecord => ({
  contractId: r.contract_id,
  versionHash: r.version_hash,
  signer: r.signer_did,
  action: r.action,
  reason: r.reason,
  jws: r.jws,
  kid: r.kid,
  publicKeyJwk: r.public_jwk as JWK,
  issuedAt: r.issued_at,
});

/** PostgreSQL / PGlite storage of contracts (migration 0006; the write-once triggers guard what was signed). */
export class SqlContractStore implements ContractStore {
  constructor(private readonly db: Kysely<DB>) {}

  #contracts(db: Kysely<DB>) {
    return db
      .selectFrom('contracts as c')
      .leftJoin('contract_versions as v', 'v.hash', 'c.current_hash')
      .selectAll('c')
      .select('v.valid_until');
  }

  async lock(tx: Kysely<DB>, id: string): Promise<ContractRecord | undefined> {
    await tx.selectFrom('contracts').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    return this.get(id, tx);
  }

  async get(id: string, tx: Kysely<DB> = this.db): Promise<ContractRecord | undefined> {
    const r = await this.#contracts(tx).where('c.id', '=', id).executeTakeFirst();
    return r ? toContract(r) : undefined;
  }

  async byAgreement(agreementId: string, tx: Kysely<DB> = this.db): Promise<ContractRecord | undefined> {
    const r = await this.#contracts(tx).where('c.agreement_id', '=', agreementId).executeTakeFirst();
    return r ? toContract(r) : undefined;
  }

  async list(q: ContractQuery): Promise<{ items: ContractRecord[]; total: number }> {
    let base = this.db.selectFrom('contracts as c');
    if (q.status) base = base.where('c.status', '=', q.status);
    if (q.kind) base = base.where('c.kind', '=', q.kind);
    if (q.party) {
      const party = q.party;
      base = base.where(({ exists, selectFrom }) =>
        exists(selectFrom('contract_parties as p').innerJoin('contract_versions as pv', 'pv.hash', 'p.version_hash').select('p.did').whereRef('pv.contract_id', '=', 'c.id').where('p.did', '=', party)),
      );
    }
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base
      .leftJoin('contract_versions as v', 'v.hash', 'c.current_hash')
      .selectAll('c')
      .select('v.valid_until')
      .orderBy('c.updated_at', 'desc')
      .orderBy('c.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { items: rows.map(toContract), total: Number(total) };
  }

  async version(hash: string, tx: Kysely<DB> = this.db): Promise<VersionRecord | undefined> {
    const r = await tx.selectFrom('contract_versions').selectAll().where('hash', '=', hash).executeTakeFirst();
    return r ? this.#withDetails(tx, r) : undefined;
  }

  async versionNumbered(contractId: string, version: number, tx: Kysely<DB> = this.db): Promise<VersionRecord | undefined> {
    const r = await tx.selectFrom('contract_versions').selectAll().where('contract_id', '=', contractId).where('version', '=', version).executeTakeFirst();
    return r ? this.#withDetails(tx, r) : undefined;
  }

  async versions(contractId: string, tx: Kysely<DB> = this.db): Promise<VersionRecord[]> {
    const rows = await tx.selectFrom('contract_versions').selectAll().where('contract_id', '=', contractId).orderBy('version').execute();
    return Promise.all(rows.map((r) => this.#withDetails(tx, r)));
  }

  async #withDetails(tx: Kysely<DB>, r: Selectable<DB['contract_versions']>): Promise<VersionRecord> {
    const document = r.document as ContractDocument;
    const sigs = await tx.selectFrom('contract_signatures').selectAll().where('version_hash', '=', r.hash).orderBy('signed_at').orderBy('signer_did').execute();
    return {
      hash: r.hash,
      contractId: r.contract_id,
      version: r.version,
      previousHash: r.previous_hash,
      proposer: r.proposer,
      document,
      status: r.status,
      createdAt: r.created_at,
      activatedAt: r.activated_at,
      // In the document's order (contract_parties serves lookups by party).
      parties: requiredParties(document),
      signatures: sigs.map(toSignature),
    };
  }

  async notices(contractId: string, tx: Kysely<DB> = this.db): Promise<NoticeRecord[]> {
    const rows = await tx.selectFrom('contract_notices').selectAll().where('contract_id', '=', contractId).orderBy('issued_at').orderBy('signer_did').execute();
    return rows.map(toNotice);
  }

  async insertContract(tx: Kysely<DB>, c: Parameters<ContractStore['insertContract']>[1]): Promise<boolean> {
    const r = await tx
      .insertInto('contracts')
      .values({ id: c.id, kind: c.kind, title: c.title, agreement_id: c.agreementId, status: 'pending', current_hash: null, latest_hash: c.latestHash, created_at: c.now, updated_at: c.now })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async insertVersion(tx: Kysely<DB>, v: Parameters<ContractStore['insertVersion']>[1]): Promise<void> {
    const d = v.document;
    await tx
      .insertInto('contract_versions')
      .values({
        hash: v.hash,
        contract_id: d.id,
        version: d.version,
        previous_hash: d.previousVersion ?? null,
        proposer: d.proposer ?? null,
        document: json(d),
        canonical: v.canonical,
        status: 'pending',
        valid_until: d.validUntil ?? null,
        created_at: v.now,
        activated_at: null,
      })
      .execute();
    await tx.insertInto('contract_parties').values(v.parties.map((p) => ({ version_hash: v.hash, did: p.did, role: p.role }))).execute();
  }

  async insertSignature(tx: Kysely<DB>, versionHash: string, s: SignatureRecord, now: Date): Promise<void> {
    await tx
      .insertInto('contract_signatures')
      .values({ version_hash: versionHash, signer_did: s.signer, jws: s.jws, kid: s.kid, public_jwk: json(s.publicKeyJwk), signed_at: s.signedAt, recorded_at: now })
      .execute();
  }

  async insertSigned(tx: Kysely<DB>, c: NewSignedContract): Promise<boolean> {
    // Data-modifying CTEs run as one statement: foreign keys are checked at its end, and when the contract row is
    // not inserted (its id or agreement already taken: `do nothing` covers both unique keys) nothing else is.
    const d = c.document;
    const active = c.status === 'active';
    const r = await sql<{ n: number }>`
      with c as (
        insert into contracts (id, kind, title, agreement_id, status, current_hash, latest_hash, created_at, updated_at)
        values (${d.id}, ${c.kind}, ${c.title}, ${c.agreementId}, ${c.status}, ${active ? c.hash : null}, ${c.hash}, ${c.now}, ${c.now})
        on conflict do nothing
        returning id
      ), v as (
        insert into contract_versions (hash, contract_id, version, previous_hash, proposer, document, canonical, status, valid_until, created_at, activated_at)
        select ${c.hash}, c.id, ${d.version}, ${d.previousVersion ?? null}, ${d.proposer ?? null}, ${json(d)}::jsonb, ${c.canonical}, ${c.versionStatus},
          ${d.validUntil ?? null}::timestamptz, ${c.now}, ${c.versionStatus === 'active' ? c.now : null}::timestamptz
        from c
        returning hash
      ), p as (
        insert into contract_parties (version_hash, did, role)
        select v.hash, t.did, t.role from v, unnest(${c.parties.map((p) => p.did)}::text[], ${c.parties.map((p) => p.role)}::text[]) as t(did, role)
      ), s as (
        insert into contract_signatures (version_hash, signer_did, jws, kid, public_jwk, signed_at, recorded_at)
        select v.hash, t.signer, t.jws, t.kid, t.jwk::jsonb, t.signed_at, ${c.now}
        from v, unnest(${c.signatures.map((s) => s.signer)}::text[], ${c.signatures.map((s) => s.jws)}::text[], ${c.signatures.map((s) => s.kid)}::text[],
          ${c.signatures.map((s) => json(s.publicKeyJwk))}::text[], ${c.signatures.map((s) => s.signedAt.toISOString())}::timestamptz[]) as t(signer, jws, kid, jwk, signed_at)
      )
      select count(*)::int4 as n from c`.execute(tx);
    return (r.rows[0]?.n ?? 0) > 0;
  }

  async insertNotice(tx: Kysely<DB>, n: NoticeRecord, now: Date): Promise<void> {
    await tx
      .insertInto('contract_notices')
      .values({
        contract_id: n.contractId,
        signer_did: n.signer,
        action: n.action,
        version_hash: n.versionHash,
        reason: n.reason,
        jws: n.jws,
        kid: n.kid,
        public_jwk: json(n.publicKeyJwk),
        issued_at: n.issuedAt,
        recorded_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async setVersionStatus(tx: Kysely<DB>, hash: string, status: VersionRecord['status'], activatedAt?: Date): Promise<void> {
    await tx.updateTable('contract_versions').set({ status, ...(activatedAt ? { activated_at: activatedAt } : {}) }).where('hash', '=', hash).execute();
  }

  async updateContract(tx: Kysely<DB>, id: string, p: Parameters<ContractStore['updateContract']>[2]): Promise<void> {
    await tx
      .updateTable('contracts')
      .set({
        updated_at: p.now,
        ...(p.status ? { status: p.status } : {}),
        ...(p.currentHash ? { current_hash: p.currentHash } : {}),
        ...(p.latestHash ? { latest_hash: p.latestHash } : {}),
        ...(p.title ? { title: p.title } : {}),
        ...(p.ended ? { ended_by: p.ended.by, ended_reason: p.ended.reason, ended_at: p.ended.at } : {}),
      })
      .where('id', '=', id)
      .execute();
  }
}
