import { AppError, canonicalPayload } from '../../kernel/index.js';
import type { ConsentRow } from '../adapters/sql-consent.store.js';
import { transition, type ConsentAction } from '../domain/consent.machine.js';
import { applyEvent, type ConsentRecord, type NoticeReference } from '../domain/consent-record.js';
import { CONSENT_RECEIPT_TYP, receiptHash, type ConsentReceiptPayload } from '../domain/consent-receipt.js';
import { CONSENT_NOTICE_TOPIC, type ConsentContext } from './consent.context.js';
import type { PrivacyNoticePort } from './ports.js';

const DAY_MS = 86_400_000;

/** Log entry type of each change that yields a receipt. */
export const ENTRY_TYPE: Record<ConsentAction, string> = {
  grant: 'consent.granted',
  refuse: 'consent.refused',
  withdraw: 'consent.withdrawn',
  expire: 'consent.expired',
  reconfirm: 'consent.reconfirmed',
  'notice-changed': 'consent.notice-changed',
};

export const noticeRef = (n: PrivacyNoticePort): NoticeReference => ({ id: n.id, version: n.version, hash: n.hash });

export interface ChangeOptions {
  /** Only this person's consent (someone else's answers 404, as an unknown one). */
  personId?: string;
  /** Grant/reconfirm: days the consent lasts (at most the configured default). */
  days?: number;
  /** notice-changed: the new notice version. */
  notice?: PrivacyNoticePort;
}

/**
 * Applies one lifecycle change: the state machine decides, the record gets the event, the intermediary signs a
 * receipt chained to the previous one, then in one transaction the row changes (only if nobody changed it since
 * it was read), the receipt is kept, the change is logged and signed notices to both parties are enqueued.
 * Signing and directory look-ups happen before the transaction (on PGlite they would wait for it).
 */
export function createLifecycle(ctx: ConsentContext) {
  async function load(id: string, personId?: string): Promise<ConsentRow> {
    const row = await ctx.store.get(id);
    if (!row || (personId !== undefined && row.person_id !== personId)) throw new AppError('DS_CONSENT_NOT_FOUND', `no consent ${id}`, [{ path: '/params/id', message: 'no such consent' }]);
    return row;
  }

  async function change(id: string, action: ConsentAction, opts: ChangeOptions = {}): Promise<ConsentRow> {
    const row = await load(id, opts.personId);
    const record = row.record as ConsentRecord;
    const next = transition({ state: row.status, reconfirmationRequired: record.reconfirmationRequired }, action);
    if (!next.ok) throw new AppError('DS_CONSENT_ILLEGAL_TRANSITION', next.error.message, [{ path: '/action', message: next.error.message }]);
    const now = ctx.clock.now();
    const granting = action === 'grant' || action === 'reconfirm';
    const days = Math.min(opts.days ?? ctx.defaultConsentDays, ctx.defaultConsentDays);
    const validUntil = granting ? new Date(now.getTime() + days * DAY_MS) : undefined;
    const current = row.notice as PrivacyNoticePort;
    const pending = row.pending_notice as PrivacyNoticePort | null;
    // The person agrees to the newest version they were shown; a new version only waits for them.
    const agreed = granting ? (pending ?? current) : undefined;
    const eventNotice = action === 'notice-changed' ? opts.notice : agreed;
    const applied = applyEvent(record, { action, state: next.value.state, reconfirmationRequired: next.value.reconfirmationRequired, at: now, validUntil, notice: eventNotice ? noticeRef(eventNotice) : undefined });
    const expiresAt = validUntil ?? (next.value.state === 'granted' || next.value.state === 'expired' ? row.expires_at : null);
    const patch = {
      status: next.value.state,
      record: applied.record,
      expiresAt,
      ...(agreed ? { notice: agreed } : {}),
      pendingNotice: action === 'notice-changed' ? (opts.notice ?? null) : granting ? null : pending,
      at: now,
    };

    if (row.status === 'requested' && action === 'notice-changed') {
      // Nobody was told of a mere request: the newer notice simply replaces the one the person will read.
      const shown = opts.notice ?? current;
      const record = { ...applied.record, notice: noticeRef(shown) };
      const done = await ctx.db.transaction().execute((tx) => ctx.store.update(tx, id, row.version, { ...patch, record, notice: shown, pendingNotice: null }));
      if (!done) throw conflict(id);
      return load(id);
    }

    const seq = row.receipt_seq + 1;
    const { kid, publicKeyJwk } = await ctx.signer.publicKey();
    const payload: ConsentReceiptPayload = { type: 'dases:ConsentReceipt', consentId: id, seq, record: applied.record, event: applied.event, previous: row.last_receipt_hash, signer: { did: ctx.node.did, kid, publicKeyJwk: publicKeyJwk as ConsentReceiptPayload['signer']['publicKeyJwk'] } };
    const jws = await ctx.signer.sign(canonicalPayload(payload), CONSENT_RECEIPT_TYP);
    const hash = receiptHash(jws);
    const parties = await partiesOf(row);

    await ctx.db.transaction().execute(async (tx) => {
      if (!(await ctx.store.update(tx, id, row.version, { ...patch, receipt: { seq, jws, hash } }))) throw conflict(id);
      await ctx.ledger.append(tx, {
        type: ENTRY_TYPE[action],
        actor: ctx.node.did,
        subject: id,
        payload: { receiptHash: hash, seq, state: next.value.state, noticeHash: applied.record.notice.hash, previous: row.last_receipt_hash },
      });
      for (const p of parties) {
        await ctx.outbox.enqueue(tx, { topic: CONSENT_NOTICE_TOPIC, url: `${p.dsp.replace(/\/+$/, '')}/consents/notices`, audience: p.did, body: { receipt: jws }, key: `consent:${id}:${p.did}` });
      }
    });
    return load(id);
  }

  async function partiesOf(row: ConsentRow): Promise<Array<{ did: string; dsp: string }>> {
    const out: Array<{ did: string; dsp: string }> = [];
    for (const did of [row.provider_did, row.consumer_did]) {
      const p = await ctx.participants.get(did);
      if (p?.endpoints.dsp) out.push({ did, dsp: p.endpoints.dsp });
      else ctx.logger.warn({ consent: row.id, party: did }, 'consent notice not sent: the party has no known DSP endpoint');
    }
    return out;
  }

  return { load, change };
}

const conflict = (id: string) => new AppError('DS_CONSENT_CONFLICT', `consent ${id} changed meanwhile; read it again and retry`);

export type Lifecycle = ReturnType<typeof createLifecycle>;
