import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Logger } from '../../kernel/index.js';
import type { MessageKind } from '../domain/transfer.machine.js';
import type { Transfer } from '../domain/transfer.js';
import { TransferProblem } from './transfer.problem.js';
import type { Notifier } from '../../kernel/index.js';
import type { OutboxPort, TransferStore } from './ports.js';

/** The outbox topic of every transfer message; its outcomes come back to this context. */
export const OUTBOX_TOPIC = 'dsp.transfer';

export interface Outgoing {
  kind: MessageKind;
  url: string;
  body: Record<string, unknown>;
}

/** A change decided outside any transaction: the new transfer, what it sends, what else commits with it, what follows. */
export interface Step {
  next: Transfer;
  sends?: Outgoing[];
  /** Extra writes in the same transaction (the provider's receipt). */
  record?: (tx: Kysely<DB>) => Promise<void>;
  /** Runs once committed (abort streams, start a background job, tell the receipts context). */
  after?: (committed: Transfer) => void;
}

export interface Runner {
  /** Applies a change decided on the current row; decided again when somebody moved the transfer meanwhile. undefined: no change. */
  change(t: Transfer, decide: (current: Transfer) => Promise<Step | undefined> | Step | undefined): Promise<Transfer>;
  create(step: Step): Promise<Transfer>;
}

const ATTEMPTS = 5;

/**
 * Extra writes of a change in its transaction, given the state before (undefined: a new transfer) and after.
 * `applies` says, without writing, whether `run` will write anything for this change.
 */
export interface TransitionHook {
  applies(before: Transfer['state'] | undefined, after: Transfer): boolean;
  run(tx: Kysely<DB>, before: Transfer['state'] | undefined, after: Transfer): Promise<void>;
}

export function createRunner(deps: { db: Kysely<DB>; store: TransferStore; outbox: OutboxPort; notifier: Notifier; logger: Logger; onTransition?: TransitionHook }): Runner {
  const { db, store, outbox, notifier } = deps;

  /**
   * Writes the new or changed transfer with what commits with it; undefined when a save found another version.
   * Without extra writes it is a single statement (the row, with its messages through outbox.enqueueWith, or
   * alone), atomic on its own: one round trip instead of a transaction of up to four. With them (a receipt, a
   * transition hook), the row and its messages are still one statement of the transaction.
   */
  async function persist(step: Step, kind: 'insert' | 'save', before?: Transfer['state']): Promise<string[] | undefined> {
    const hook = deps.onTransition && before !== step.next.state && deps.onTransition.applies(before, step.next);
    const sends = (step.sends ?? []).map((s) => ({ topic: OUTBOX_TOPIC, url: s.url, audience: step.next.counterpartyDid, body: s.body, key: step.next.id }));
    const rowStatement = (on: Kysely<DB>) => (kind === 'insert' ? store.insertStatement(on, step.next) : store.saveStatement(on, step.next));
    if (!step.record && !hook && sends.length && outbox.enqueueWith) {
      // Sent by the outbox at once: nothing to announce.
      return (await outbox.enqueueWith(db, rowStatement(db), sends)) && [];
    }
    if (!step.record && !hook && !sends.length) {
      // The row alone (a consumer's transfer started by the provider's message): one statement, no transaction.
      if (kind === 'save') return (await store.save(db, step.next)) ? [] : undefined;
      await store.insert(db, step.next);
      return [];
    }
    return db.transaction().execute(async (tx) => {
      let ids: string[] = [];
      if (sends.length && outbox.enqueueWith && outbox.committed) {
        // The row and its messages in one statement here too (delivered once the caller says it committed).
        const enqueued = await outbox.enqueueWith(tx, rowStatement(tx), sends, { afterCommit: 'caller' });
        if (!enqueued) return undefined;
        ids = enqueued;
      } else {
        if (kind === 'insert') await store.insert(tx, step.next);
        else if (!(await store.save(tx, step.next))) return undefined;
        const caller = outbox.committed ? { afterCommit: 'caller' as const } : undefined;
        for (const m of sends) ids.push(await outbox.enqueue(tx, m, caller));
      }
      if (hook) await deps.onTransition?.run(tx, before, step.next);
      // Last: the receipt appends to the log, whose lock is then held until our commit.
      if (step.record) await step.record(tx);
      return ids;
    });
  }

  function committed(step: Step, t: Transfer, ids: string[]): void {
    if (ids.length) outbox.committed?.(ids);
    notifier.changed(t.id, t);
    try {
      step.after?.(t);
    } catch (e) {
      deps.logger.warn({ err: e, transfer: t.id }, 'transfer follow-up failed');
    }
  }

  return {
    async change(t, decide) {
      let current = t;
      for (let attempt = 1; ; attempt++) {
        const step = await decide(current);
        if (!step) return current;
        const ids = await persist(step, 'save', current.state);
        if (ids) {
          const saved = { ...step.next, version: current.version + 1 };
          committed(step, saved, ids);
          return saved;
        }
        const fresh = await store.get(current.id);
        if (!fresh || attempt >= ATTEMPTS) throw new TransferProblem('DS_TRANSFER_CONFLICT', `transfer ${current.id} changed ${attempt} times while a change was prepared`, undefined, current);
        current = fresh;
      }
    },
    async create(step) {
      const ids = (await persist(step, 'insert')) ?? [];
      committed(step, step.next, ids);
      return step.next;
    },
  };
}
