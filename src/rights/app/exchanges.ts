import { AppError, messageKind } from '../../kernel/index.js';
import { assertIntermediary } from '../../people/index.js';
import type { ExchangeReportRow } from '../adapters/sql-exchange-report.store.js';
import { EXCHANGE_REPORT_TYP, ExchangeReportPayload } from '../domain/rights.messages.js';
import { verifyFrom, wrongSender, type RightsContext } from './rights.context.js';

export const REPORT_KIND = messageKind<ExchangeReportPayload>(EXCHANGE_REPORT_TYP, ExchangeReportPayload);

/** One exchange as its person sees it: the reports of one party about one transfer, the latest state first. */
export interface PersonExchange {
  transferId: string;
  consentId: string;
  reportedBy: string;
  role: 'provider' | 'consumer';
  provider: { did: string; name?: string };
  consumer: { did: string; name?: string };
  datasetId: string;
  state: ExchangeReportRow['state'];
  startedAt?: Date;
  endedAt?: Date;
  bytes?: number;
  sha256?: string;
  reason?: string;
  reports: Array<{ state: ExchangeReportRow['state']; at: Date; report: string }>;
}

/** The intermediary side of exchange reports: receiving them from the parties, showing them to their person. */
export function createExchanges(ctx: RightsContext) {
  async function receive(callerDid: string, jws: string): Promise<{ id: string; duplicate: boolean }> {
    assertIntermediary(ctx.intermediary);
    const r = await verifyFrom(ctx, jws, REPORT_KIND, callerDid, '/body/report');
    if (r.reporter !== callerDid) throw wrongSender('/body/report', `the report names ${r.reporter} as its reporter`);
    if (r.intermediary !== ctx.node.did) throw wrongSender('/body/report', `the report is addressed to ${r.intermediary}`);
    const consent = await ctx.consents.parties(r.consentId);
    if (!consent) throw new AppError('DS_RIGHTS_CONSENT_NOT_FOUND', `/body/report: no consent ${r.consentId} here`, [{ path: '/body/report', message: 'unknown consent' }]);
    const party = r.role === 'provider' ? consent.providerDid : consent.consumerDid;
    if (party !== callerDid) throw new AppError('DS_RIGHTS_NOT_PARTY', `/body/report: ${callerDid} is not the ${r.role} of consent ${r.consentId}`, [{ path: '/body/report', message: `not the ${r.role} of the consent` }]);
    const mismatch = (['providerDid', 'consumerDid', 'datasetId'] as const).filter((k) => r[k] !== consent[k]);
    if (mismatch.length > 0) {
      throw new AppError('DS_RIGHTS_REPORT_MISMATCH', `/body/report: ${mismatch.join(', ')} differ from the consent`, mismatch.map((k) => ({ path: `/body/report/${k}`, message: `the consent says ${consent[k]}` })));
    }
    const row = await ctx.reports.insert({
      id: ctx.ids.uuid(),
      person_id: consent.personId,
      consent_id: r.consentId,
      reporter_did: callerDid,
      role: r.role,
      transfer_id: r.transferId,
      state: r.state,
      provider_did: r.providerDid,
      consumer_did: r.consumerDid,
      dataset_id: r.datasetId,
      at: new Date(r.at),
      bytes: r.bytes ?? null,
      sha256: r.sha256 ?? null,
      reason: r.reason ?? null,
      jws,
      received_at: ctx.clock.now(),
    });
    if (row) return { id: row.id, duplicate: false };
    // Delivered again (at least once): the first report of this state stands.
    const first = await ctx.reports.find(callerDid, r.transferId, r.state);
    return { id: first!.id, duplicate: true };
  }

  async function ofPerson(personId: string): Promise<PersonExchange[]> {
    const rows = await ctx.reports.byPerson(personId);
    const names = new Map<string, string | undefined>();
    const named = async (did: string) => {
      if (!names.has(did)) names.set(did, (await ctx.participants.get(did))?.name);
      const name = names.get(did);
      return name ? { did, name } : { did };
    };
    const groups = new Map<string, ExchangeReportRow[]>();
    for (const row of rows) {
      const key = `${row.reporter_did} ${row.transfer_id}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const out: PersonExchange[] = [];
    // Rows come newest first, so groups (and each group's reports) are in that order too.
    for (const reports of groups.values()) {
      const last = reports[0]!;
      const started = reports.find((x) => x.state === 'STARTED');
      const ended = reports.find((x) => x.state !== 'STARTED');
      const measured = reports.find((x) => x.bytes !== null || x.sha256 !== null);
      out.push({
        transferId: last.transfer_id,
        consentId: last.consent_id,
        reportedBy: last.reporter_did,
        role: last.role,
        provider: await named(last.provider_did),
        consumer: await named(last.consumer_did),
        datasetId: last.dataset_id,
        state: last.state,
        ...(started ? { startedAt: started.at } : {}),
        ...(ended ? { endedAt: ended.at } : {}),
        ...(measured?.bytes != null ? { bytes: measured.bytes } : {}),
        ...(measured?.sha256 ? { sha256: measured.sha256 } : {}),
        ...(ended?.reason ? { reason: ended.reason } : {}),
        reports: reports.map((x) => ({ state: x.state, at: x.at, report: x.jws })),
      });
    }
    return out;
  }

  return { receive, ofPerson };
}
export type Exchanges = ReturnType<typeof createExchanges>;
