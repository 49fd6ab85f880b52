import { sql, type Kysely, type Selectable } from 'kysely';
import { json, type DB, type NegotiationsTable } from '../../db/index.js';
import type { NegotiationFilter, NegotiationStore } from '../app/ports.js';
import type { HistoryEntry, Negotiation, Policy } from '../domain/negotiation.js';

type Row = Selectable<NegotiationsTable>;

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toNegotiation(r: Row): Negotiation {
  return {
    id: r.id,
    role: r.role,
    state: r.state,
    version: r.version,
    counterpartyDid: r.counterparty_did,
    counterpartyAddress: r.counterparty_address,
    counterpartyPid: opt(r.counterparty_pid),
    offerId: r.offer_id,
    target: r.target,
    offer: r.offer as Policy,
    offerBy: r.offer_by,
    ownOffer: opt(r.own_offer as Policy | null),
    purpose: opt(r.purpose),
    agreementId: opt(r.agreement_id),
    agreement: opt(r.agreement as Policy | null),
    providerSignature: opt(r.provider_signature),
    consumerSignature: opt(r.consumer_signature),
    terminationCode: opt(r.termination_code),
    terminationReason: opt(r.termination_reason),
    history: r.history as HistoryEntry[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The columns a transition may change (identity, role, counterparty and creation stay as inserted). */
function mutable(n: Negotiation) {
  return {
    state: n.state,
    offer: json(n.offer),
    offer_by: n.offerBy,
    own_offer: n.ownOffer ? json(n.ownOffer) : null,
    agreement_id: n.agreementId ?? null,
    agreement: n.agreement ? json(n.agreement) : null,
    provider_signature: n.providerSignature ?? null,
    consumer_signature: n.consumerSignature ?? null,
    termination_code: n.terminationCode ?? null,
    termination_reason: n.terminationReason ?? null,
    history: json(n.history),
    updated_at: n.updatedAt,
  };
}

export class SqlNegotiationStore implements NegotiationStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(tx: Kysely<DB>, n: Negotiation): Promise<void> {
    await this.insertStatement(tx, n).execute();
  }

  insertStatement(db: Kysely<DB>, n: Negotiation) {
    return db
      .insertInto('negotiations')
      .values({
        id: n.id,
        role: n.role,
        counterparty_did: n.counterpartyDid,
        counterparty_address: n.counterpartyAddress,
        offer_id: n.offerId,
        target: n.target,
        purpose: n.purpose ?? null,
        counterparty_pid: n.counterpartyPid ?? null,
        created_at: n.createdAt,
        ...mutable(n),
      })
      .returning('id');
  }

  async get(id: string): Promise<Negotiation | undefined> {
    const r = await this.db.selectFrom('negotiations').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toNegotiation(r);
  }

  async byCounterpartyPid(did: string, pid: string): Promise<Negotiation | undefined> {
    const r = await this.db.selectFrom('negotiations').selectAll().where('counterparty_did', '=', did).where('counterparty_pid', '=', pid).executeTakeFirst();
    return r && toNegotiation(r);
  }

  async save(tx: Kysely<DB>, n: Negotiation): Promise<boolean> {
    return (await this.saveStatement(tx, n).execute()).length === 1;
  }

  saveStatement(db: Kysely<DB>, n: Negotiation) {
    return db
      .updateTable('negotiations')
      .set({ ...mutable(n), counterparty_pid: sql<string | null>`coalesce(counterparty_pid, ${n.counterpartyPid ?? null})`, version: sql<number>`version + 1` })
      .where('id', '=', n.id)
      .where('version', '=', n.version)
      .returning('id');
  }

  async adoptCounterpartyPid(id: string, pid: string): Promise<void> {
    await this.db.updateTable('negotiations').set({ counterparty_pid: pid }).where('id', '=', id).where('counterparty_pid', 'is', null).execute();
  }

  async list(f: NegotiationFilter): Promise<{ total: number; items: Negotiation[] }> {
    let q = this.db.selectFrom('negotiations');
    if (f.role) q = q.where('role', '=', f.role);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.counterPartyId) q = q.where('counterparty_did', '=', f.counterPartyId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
      q.select(sql<number>`count(*)::int8`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { total: count.n, items: rows.map(toNegotiation) };
  }

  async byAgreementId(agreementId: string): Promise<Negotiation | undefined> {
    const r = await this.db.selectFrom('negotiations').selectAll().where('agreement_id', '=', agreementId).executeTakeFirst();
    return r && toNegotiation(r);
  }

  /** The newest finalized agreement with this counterparty about this dataset, as consumer or provider. */
  async latestAgreement(counterpartyDid: string, target: string, role: 'provider' | 'consumer'): Promise<Negotiation | undefined> {
    const r = await this.db
      .selectFrom('negotiations')
      .selectAll()
      .where('state', '=', 'FINALIZED')
      .where('counterparty_did', '=', counterpartyDid)
      .where('target', '=', target)
      .where('role', '=', role)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && toNegotiation(r);
  }

  async agreements(limit: number, offset: number): Promise<{ total: number; items: Negotiation[] }> {
    const q = this.db.selectFrom('negotiations').where('state', '=', 'FINALIZED').where('agreement_id', 'is not', null);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)::int8`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { total: count.n, items: rows.map(toNegotiation) };
  }
}
