import { createPublicKey, type KeyObject } from 'node:crypto';
import { AppError } from '../../kernel/index.js';
import type { PartyConsentRow, PartyStatus } from '../adapters/sql-party-consent.store.js';
import { verifyConsentReceipt } from '../domain/consent-receipt.js';
import { checkConsentToken, decodeConsentToken } from '../domain/consent-token.js';
import type { ConsentContext } from './consent.context.js';

export interface CheckExpectation {
  consumerDid: string;
  datasetId: string;
  purpose?: string | undefined;
}

export interface CheckedConsent {
  consentId: string;
  subjectId: string;
  expiresAt: Date;
  /** Who issued the token: where the transfer's exchanges are reported. */
  intermediaryDid: string;
}

/**
 * A party's side: the intermediary's signed notices kept as the consent's status, and the enforcement point that
 * checks a consent token against them on every transfer. `check` stays in memory on the hot path: verified keys
 * by kid, and each consent's row read at most every `statusCacheMs` (a notice received by this process updates it
 * at once; one received by another process sharing the database is seen within that time).
 */
export function createParty(ctx: ConsentContext, opts: { statusCacheMs?: number } = {}) {
  const cacheMs = opts.statusCacheMs ?? 200;
  const keys = new Map<string, KeyObject>();
  const rows = new Map<string, { row: PartyConsentRow | undefined; at: number }>();
  const listeners: Array<(consentId: string) => void> = [];

  function stopped(consentId: string): void {
    for (const l of listeners) {
      try {
        l(consentId);
      } catch (e) {
        ctx.logger.warn({ err: e, consent: consentId }, 'a consent-stopped listener failed');
      }
    }
  }

  async function receive(callerDid: string, jws: string): Promise<{ consentId: string; status: PartyStatus; applied: boolean }> {
    const fail = (code: 'DS_CONSENT_RECEIPT_INVALID' | 'DS_CONSENT_WRONG_SENDER', why: string) => new AppError(code, `/receipt: ${why}`, [{ path: '/receipt', message: why }]);
    const claimed = verifyConsentReceipt(jws);
    if (!claimed.ok) throw fail('DS_CONSENT_RECEIPT_INVALID', claimed.reason);
    const { receipt } = claimed.value;
    if (receipt.signer.did !== callerDid) throw fail('DS_CONSENT_WRONG_SENDER', `signed by ${receipt.signer.did}, sent by ${callerDid}`);
    let doc = await ctx.resolver.resolve(callerDid);
    let bound = verifyConsentReceipt(jws, doc);
    if (!bound.ok && ctx.resolver.invalidate) {
      // The intermediary may have rotated its key since we cached its document.
      ctx.resolver.invalidate(callerDid);
      doc = await ctx.resolver.resolve(callerDid);
      bound = verifyConsentReceipt(jws, doc);
    }
    if (!bound.ok) throw fail('DS_CONSENT_RECEIPT_INVALID', bound.reason);
    const purpose = receipt.record.purposes[0]!;
    const providerDid = purpose.controllers[0];
    const consumerDid = purpose.recipients[0];
    const role = providerDid === ctx.node.did ? 'provider' : consumerDid === ctx.node.did ? 'consumer' : undefined;
    if (!role || !providerDid || !consumerDid) throw fail('DS_CONSENT_WRONG_SENDER', `${ctx.node.did} is not a party of consent ${receipt.consentId}`);
    const state = receipt.record.state;
    if (state === 'requested') throw fail('DS_CONSENT_RECEIPT_INVALID', 'a request is not notified to the parties');
    const status: PartyStatus = state;
    const expiresAt = receipt.record.validUntil ? new Date(receipt.record.validUntil) : null;
    const applied = await ctx.party.apply({
      consentId: receipt.consentId,
      intermediaryDid: callerDid,
      role,
      providerDid,
      consumerDid,
      datasetId: purpose.datasetId,
      purpose: purpose.purpose,
      status,
      reconfirmationRequired: receipt.record.reconfirmationRequired,
      expiresAt,
      seq: receipt.seq,
      receipt: jws,
      at: ctx.clock.now(),
    });
    rows.delete(receipt.consentId);
    if (applied && (status !== 'granted' || receipt.record.reconfirmationRequired)) stopped(receipt.consentId);
    return { consentId: receipt.consentId, status, applied };
  }

  async function keyOf(kid: string, issuer: string): Promise<KeyObject | undefined> {
    const known = keys.get(kid);
    if (known) return known;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt === 1) ctx.resolver.invalidate?.(issuer);
      const doc = await ctx.resolver.resolve(issuer);
      const vm = doc.verificationMethod?.find((m) => m.id === kid || `${doc.id}${m.id}` === kid);
      if (vm?.publicKeyJwk) {
        const key = createPublicKey({ key: vm.publicKeyJwk as never, format: 'jwk' });
        keys.set(kid, key);
        return key;
      }
    }
    return undefined;
  }

  async function rowOf(consentId: string): Promise<PartyConsentRow | undefined> {
    const hit = rows.get(consentId);
    const t = performance.now();
    if (hit && t - hit.at < cacheMs) return hit.row;
    const row = await ctx.party.get(consentId);
    rows.set(consentId, { row, at: t });
    return row;
  }

  async function check(token: string, expect: CheckExpectation): Promise<CheckedConsent> {
    const refuse = (code: ConstructorParameters<typeof AppError>[0], reason: string): never => {
      throw new AppError(code, reason, [{ path: '/consentToken', message: reason }]);
    };
    const d = decodeConsentToken(token);
    if (!d.ok) return refuse(d.refusal.code, d.refusal.reason);
    const key = await keyOf(d.kid, d.issuer).catch(() => undefined);
    if (!key) return refuse('DS_CONSENT_TOKEN_INVALID', `${d.kid} is not a key of ${d.issuer}`);
    const now = ctx.clock.now();
    const refusal = checkConsentToken(d, key, { audience: ctx.node.did, consumerDid: expect.consumerDid, datasetId: expect.datasetId, purpose: expect.purpose, nowSeconds: Math.floor(now.getTime() / 1000) });
    if (refusal) return refuse(refusal.code, refusal.reason);
    const c = d.claims;
    const row = await rowOf(c.cid);
    if (!row || row.intermediary_did !== d.issuer || row.role !== 'provider') return refuse('DS_CONSENT_UNKNOWN', `no signed notice of consent ${c.cid} from ${d.issuer}`);
    // The intermediary's notices are the truth about what the consent covers; the token only points to it.
    if (row.consumer_did !== expect.consumerDid) return refuse('DS_CONSENT_WRONG_CONSUMER', `consent ${c.cid} was given for ${row.consumer_did}`);
    if (row.dataset_id !== expect.datasetId) return refuse('DS_CONSENT_WRONG_DATASET', `consent ${c.cid} covers dataset ${row.dataset_id}`);
    if (expect.purpose !== undefined && row.purpose !== expect.purpose) return refuse('DS_CONSENT_WRONG_PURPOSE', `consent ${c.cid} covers the purpose "${row.purpose}"`);
    if (row.status === 'withdrawn') return refuse('DS_CONSENT_WITHDRAWN', `the person withdrew consent ${c.cid}`);
    if (row.status === 'refused') return refuse('DS_CONSENT_NOT_GRANTED', `consent ${c.cid} was refused`);
    if (row.status === 'expired' || !row.expires_at || row.expires_at <= now) return refuse('DS_CONSENT_EXPIRED', `consent ${c.cid} has expired`);
    if (row.reconfirmation_required) return refuse('DS_CONSENT_RECONFIRMATION_REQUIRED', `the notice of consent ${c.cid} changed; the person has not reconfirmed yet`);
    return { consentId: c.cid, subjectId: c.sub, expiresAt: row.expires_at, intermediaryDid: d.issuer };
  }

  async function statusOf(consentId: string): Promise<PartyStatus | undefined> {
    const row = await ctx.party.get(consentId);
    if (!row) return undefined;
    if (row.status === 'granted' && row.expires_at && row.expires_at <= ctx.clock.now()) return 'expired';
    return row.status;
  }

  /** Consents whose time ran out here: marked expired locally and running transfers stopped (no notice needed). */
  async function expireDue(): Promise<string[]> {
    const ids = await ctx.party.expireDue(ctx.clock.now());
    for (const id of ids) {
      rows.delete(id);
      stopped(id);
    }
    return ids;
  }

  return { receive, check, statusOf, expireDue, onStopped: (l: (consentId: string) => void) => void listeners.push(l) };
}

export type Party = ReturnType<typeof createParty>;
