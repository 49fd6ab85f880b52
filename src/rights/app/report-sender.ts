import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { contentHash, messageValidator } from '../../kernel/index.js';
import { EXCHANGE_REPORT_TYP, ExchangeReportPayload } from '../domain/rights.messages.js';
import { dspOf, EXCHANGE_REPORT_TOPIC, signPayload, type RightsContext } from './rights.context.js';

export interface ExchangeReportInput {
  intermediaryDid: string;
  consentId: string;
  transferId: string;
  role: 'provider' | 'consumer';
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  state: 'STARTED' | 'COMPLETED' | 'TERMINATED';
  at: Date;
  bytes?: number | undefined;
  sha256?: string | undefined;
  reason?: string | undefined;
}

const validReport = messageValidator(ExchangeReportPayload);

/** Pauses between looks for a row whose transaction may not have committed yet (ms); the sweep takes over after. */
const LOOKS = [0, 5, 10, 20, 40, 80, 160, 320, 640, 1000, 2000, 4000];

/**
 * Party side: a transfer under a consent is reported in the transaction that records its change. There we may
 * neither sign (the node key can be read from the database, which on PGlite waits for that very transaction) nor
 * read the directory, so the report is written as `due` and, once committed, signed and handed to the outbox in a
 * second transaction (a compare-and-set on the row makes one round do it). A sweep sends what a crash left due.
 */
export function createReportSender(ctx: RightsContext, opts: { sweepMs: number }) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function report(tx: Kysely<DB>, r: ExchangeReportInput): Promise<void> {
    const payload: ExchangeReportPayload = {
      type: 'dases:ExchangeReport',
      reporter: ctx.node.did,
      intermediary: r.intermediaryDid,
      consentId: r.consentId,
      transferId: r.transferId,
      role: r.role,
      providerDid: r.providerDid,
      consumerDid: r.consumerDid,
      datasetId: r.datasetId,
      state: r.state,
      at: r.at.toISOString(),
      // A measurement the intermediary would refuse is left out rather than losing the whole report.
      ...(r.bytes !== undefined && Number.isSafeInteger(r.bytes) && r.bytes >= 0 ? { bytes: r.bytes } : {}),
      ...(r.sha256 !== undefined && /^[0-9a-f]{64}$/i.test(r.sha256) ? { sha256: r.sha256.toLowerCase() } : {}),
      ...(r.reason !== undefined ? { reason: r.reason.slice(0, 2000) } : {}),
    };
    const problems = validReport(payload);
    if (problems.length > 0) {
      // Never fail the caller's transaction (the transfer's change) over its report: say so and keep going.
      ctx.logger.error({ transfer: r.transferId, problems }, 'exchange report not sent: it would not be a valid report');
      return;
    }
    const id = ctx.ids.uuid();
    // Our own log holds every exchange we report, so the person's history can be checked against the parties' logs.
    await ctx.ledger.append(tx, { type: 'exchange.reported', actor: ctx.node.did, subject: r.transferId, payload: { consentId: r.consentId, intermediary: r.intermediaryDid, state: r.state, factsHash: `sha256:${contentHash(payload)}` } });
    if (await ctx.outgoing.insert(tx, { id, intermediaryDid: r.intermediaryDid, transferId: r.transferId, state: r.state, facts: payload, at: ctx.clock.now() })) expect(id);
  }

  /** 'absent': no row yet (not committed, or rolled back). */
  async function send(id: string): Promise<'absent' | 'done'> {
    const row = await ctx.outgoing.get(id);
    if (!row) return 'absent';
    if (row.status !== 'due') return 'done';
    const dsp = await dspOf(ctx, row.intermediary_did);
    if (!dsp) {
      // Kept due: the sweep tries again, e.g. once the intermediary is (re)activated.
      ctx.logger.warn({ report: id, intermediary: row.intermediary_did }, 'exchange report not sent: the intermediary is not an active participant with a DSP endpoint');
      return 'done';
    }
    const jws = await signPayload(ctx, row.facts as ExchangeReportPayload, EXCHANGE_REPORT_TYP);
    await ctx.db.transaction().execute(async (tx) => {
      if (!(await ctx.outgoing.settle(tx, id, 'sent', ctx.clock.now()))) return;
      await ctx.outbox.enqueue(tx, { topic: EXCHANGE_REPORT_TOPIC, url: `${dsp}/people/exchanges`, audience: row.intermediary_did, body: { report: jws }, key: `rights-report:${row.transfer_id}` });
    });
    return 'done';
  }

  function expect(id: string): void {
    void (async () => {
      for (const pause of LOOKS) {
        if (stopped) return;
        if (pause > 0) await new Promise((r) => setTimeout(r, pause).unref());
        try {
          if ((await send(id)) === 'done') return;
        } catch (e) {
          ctx.logger.warn({ err: e, report: id }, 'exchange report not sent yet (the sweep retries)');
          return;
        }
      }
    })();
  }

  async function sweep(): Promise<number> {
    const ids = await ctx.outgoing.due(new Date(ctx.clock.now().getTime() - 2000), 100);
    for (const id of ids) await send(id).catch((e: unknown) => ctx.logger.warn({ err: e, report: id }, 'exchange report not sent (retried on the next sweep)'));
    return ids.length;
  }

  return {
    report,
    sweep,
    start(): void {
      stopped = false;
      if (timer || opts.sweepMs <= 0) return;
      timer = setInterval(() => void sweep().catch((e: unknown) => ctx.logger.warn({ err: e }, 'exchange report sweep failed')), opts.sweepMs);
      timer.unref();
    },
    stop(): void {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
