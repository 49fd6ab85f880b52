import { sql, type Kysely, type Selectable } from 'kysely';
import { json, type DB, type TransfersTable } from '../../db/index.js';
import type { TransferFilter, TransferStore } from '../app/ports.js';
import type { HistoryEntry, Transfer, TransferConsent } from '../domain/transfer.js';
import type { DataAddress, DataDestination, DistributionSource } from '../domain/transfer.types.js';

type Row = Selectable<TransfersTable>;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toTransfer(r: Row): Transfer {
  return {
    id: r.id,
    role: r.role,
    state: r.state,
    version: r.version,
    counterpartyDid: r.counterparty_did,
    counterpartyAddress: r.counterparty_address,
    counterpartyPid: opt(r.counterparty_pid),
    agreementId: r.agreement_id,
    datasetId: r.dataset_id,
    format: r.format,
    finite: r.finite,
    source: opt(r.source as DistributionSource | null),
    mediaType: opt(r.media_type),
    dataAddress: opt(r.data_address as DataAddress | null),
    destination: opt(r.destination as DataDestination | null),
    delivery: r.delivery,
    job: opt(r.job),
    jobRuns: r.job_runs,
    bytes: opt(r.bytes),
    sha256: opt(r.sha256),
    dataStartedAt: opt(r.data_started_at),
    dataEndedAt: opt(r.data_ended_at),
    terminationCode: opt(r.termination_code),
    terminationReason: opt(r.termination_reason),
    history: r.history as HistoryEntry[],
    consent: opt(r.consent as TransferConsent | null),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The columns a transition may change (identity, role, counterparty, agreement and creation stay as inserted). */
function mutable(t: Transfer) {
  return {
    state: t.state,
    source: t.source ? json(t.source) : null,
    media_type: t.mediaType ?? null,
    data_address: t.dataAddress ? json(t.dataAddress) : null,
    destination: t.destination ? json(t.destination) : null,
    delivery: t.delivery,
    job: t.job ?? null,
    bytes: t.bytes ?? null,
    sha256: t.sha256 ?? null,
    data_started_at: t.dataStartedAt ?? null,
    data_ended_at: t.dataEndedAt ?? null,
    termination_code: t.terminationCode ?? null,
    termination_reason: t.terminationReason ?? null,
    history: json(t.history),
    consent: t.consent ? json(t.consent) : null,
    updated_at: t.updatedAt,
  };
}

export class SqlTransferStore implements TransferStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(tx: Kysely<DB>, t: Transfer): Promise<void> {
    await this.insertStatement(tx, t).execute();
  }

  insertStatement(db: Kysely<DB>, t: Transfer) {
    return db
      .insertInto('transfers')
      .values({
        id: t.id,
        role: t.role,
        counterparty_did: t.counterpartyDid,
        counterparty_address: t.counterpartyAddress,
        counterparty_pid: t.counterpartyPid ?? null,
        agreement_id: t.agreementId,
        dataset_id: t.datasetId,
        format: t.format,
        finite: t.finite,
        created_at: t.createdAt,
        ...mutable(t),
      })
      .returning('id');
  }

  async save(tx: Kysely<DB>, t: Transfer): Promise<boolean> {
    return (await this.saveStatement(tx, t).execute()).length === 1;
  }

  saveStatement(db: Kysely<DB>, t: Transfer) {
    return db
      .updateTable('transfers')
      .set({ ...mutable(t), counterparty_pid: sql<string | null>`coalesce(counterparty_pid, ${t.counterpartyPid ?? null})`, version: sql<number>`version + 1` })
      .where('id', '=', t.id)
      .where('version', '=', t.version)
      .returning('id');
  }

  async get(id: string): Promise<Transfer | undefined> {
    const r = await this.db.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toTransfer(r);
  }

  async byCounterpartyPid(did: string, pid: string): Promise<Transfer | undefined> {
    const r = await this.db.selectFrom('transfers').selectAll().where('counterparty_did', '=', did).where('counterparty_pid', '=', pid).executeTakeFirst();
    return r && toTransfer(r);
  }

  async adoptCounterpartyPid(id: string, pid: string): Promise<void> {
    await this.db.updateTable('transfers').set({ counterparty_pid: pid }).where('id', '=', id).where('counterparty_pid', 'is', null).execute();
  }

  async list(f: TransferFilter): Promise<{ total: number; items: Transfer[] }> {
    let q = this.db.selectFrom('transfers');
    if (f.role) q = q.where('role', '=', f.role);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.agreementId) q = q.where('agreement_id', '=', f.agreementId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
      q.select(sql<number>`count(*)::int8`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { total: count.n, items: rows.map(toTransfer) };
  }

  async runningNonFinite(): Promise<Transfer[]> {
    const rows = await this.db.selectFrom('transfers').selectAll().where('state', '=', 'STARTED').where('role', '=', 'provider').where('finite', '=', false).limit(10_000).execute();
    return rows.map(toTransfer);
  }

  async byConsent(consentId: string): Promise<Transfer[]> {
    const rows = await this.db
      .selectFrom('transfers')
      .selectAll()
      .where(sql<string>`consent ->> 'id'`, '=', consentId)
      .where('state', 'in', ['REQUESTED', 'STARTED', 'SUSPENDED'])
      .limit(10_000)
      .execute();
    return rows.map(toTransfer);
  }

  async withJobs(): Promise<Transfer[]> {
    const rows = await this.db.selectFrom('transfers').selectAll().where('job', 'is not', null).where('state', '=', 'STARTED').limit(1000).execute();
    return rows.map(toTransfer);
  }

  async countJobRun(id: string): Promise<number> {
    const r = await this.db.updateTable('transfers').set({ job_runs: sql<number>`job_runs + 1` }).where('id', '=', id).returning('job_runs').executeTakeFirst();
    return r?.job_runs ?? 0;
  }

  async agreementsUsed(did: string, datasetId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('transfers')
      .select('agreement_id')
      .where('role', '=', 'consumer')
      .where('counterparty_did', '=', did)
      .where('dataset_id', '=', datasetId)
      .orderBy('created_at', 'desc')
      .limit(20)
      .execute();
    return [...new Set(rows.map((r) => r.agreement_id))];
  }
}
