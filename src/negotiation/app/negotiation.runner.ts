import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Logger } from '../../kernel/index.js';
import type { MessageKind } from '../domain/negotiation.machine.js';
import type { Negotiation } from '../domain/negotiation.js';
import { NegotiationProblem } from './negotiation.problem.js';
import type { Notifier } from '../../kernel/index.js';
import type { NegotiationStore, OutboxPort } from './ports.js';

/** The outbox topic of every negotiation message; its outcomes come back to this context. */
export const OUTBOX_TOPIC = 'dsp.negotiation';

export interface Outgoing {
  kind: MessageKind;
  url: string;
  body: Record<string, unknown>;
}

/** A change decided outside any transaction: the new negotiation, what it sends, and what else commits with it. */
export interface Step {
  next: Negotiation;
  sends?: Outgoing[];
  /** Extra writes in the same transaction (the signed contract). */
  record?: (tx: Kysely<DB>) => Promise<void>;
}

export interface Runner {
  /**
   * Applies a change to `n`. `decide` runs before anything is written (it may sign, verify signatures or read the
   * catalog: none of that may hold the database); the result is written only if nobody moved the negotiation
   * meanwhile, else `decide` runs again on the fresh row. `decide` returns undefined for "no change".
   */
  change(n: Negotiation, decide: (current: Negotiation) => Promise<Step | undefined>): Promise<Negotiation>;
  /** Inserts a new negotiation with its first messages, atomically. */
  create(step: Step): Promise<Negotiation>;
}

const ATTEMPTS = 5;

export function createRunner(deps: { db: Kysely<DB>; store: NegotiationStore; outbox: OutboxPort; notifier: Notifier; logger: Logger }): Runner {
  const { db, store, outbox, notifier } = deps;

  const outgoing = (step: Step) => (step.sends ?? []).map((s) => ({ topic: OUTBOX_TOPIC, url: s.url, audience: step.next.counterpartyDid, body: s.body, key: step.next.id }));

  /**
   * The messages first, the extra writes last: the contract's log entries lock the log's state row, held until
   * our commit, so nothing else should run after them. Returns the outbox ids, announced once committed.
   */
  async function write(tx: Kysely<DB>, step: Step): Promise<string[]> {
    const ids: string[] = [];
    const caller = outbox.committed ? { afterCommit: 'caller' as const } : undefined;
    for (const m of outgoing(step)) ids.push(await outbox.enqueue(tx, m, caller));
    if (step.record) await step.record(tx);
    return ids;
  }

  /**
   * Writes the new or changed negotiation with what commits with it; undefined when a save found another version.
   * The row and its messages are one statement (outbox.enqueueWith), which is atomic on its own: without extra
   * writes that is the whole change, one round trip instead of a transaction of four; with them (the signed
   * contract) it opens the transaction and the extra writes follow.
   */
  async function persist(step: Step, kind: 'insert' | 'save'): Promise<string[] | undefined> {
    const sends = outgoing(step);
    // In a transaction the messages must wait for its commit: that needs `committed` to announce them.
    if (sends.length && outbox.enqueueWith && (!step.record || outbox.committed)) {
      const enqueueWith = outbox.enqueueWith;
      const rowWithMessages = (q: Kysely<DB>, opts?: { afterCommit: 'caller' }) =>
        enqueueWith(q, kind === 'insert' ? store.insertStatement(q, step.next) : store.saveStatement(q, step.next), sends, opts);
      // Sent by the outbox at once: nothing to announce.
      if (!step.record) return (await rowWithMessages(db)) && [];
      const record = step.record;
      return db.transaction().execute(async (tx) => {
        const ids = await rowWithMessages(tx, { afterCommit: 'caller' });
        if (!ids) return undefined;
        await record(tx);
        return ids;
      });
    }
    if (!step.record && !sends.length) {
      if (kind === 'save') return (await store.save(db, step.next)) ? [] : undefined;
      await store.insert(db, step.next);
      return [];
    }
    return db.transaction().execute(async (tx) => {
      if (kind === 'insert') await store.insert(tx, step.next);
      else if (!(await store.save(tx, step.next))) return undefined;
      return write(tx, step);
    });
  }

  function committed(step: Step, version: number, ids: string[]): void {
    if (ids.length) outbox.committed?.(ids);
    notifier.changed(step.next.id, { ...step.next, version });
  }

  return {
    async change(n, decide) {
      let current = n;
      for (let attempt = 1; ; attempt++) {
        const step = await decide(current);
        if (!step) return current;
        // The save writes only over the version `decide` saw (and holds the row until commit): no separate lock.
        const ids = await persist(step, 'save');
        if (ids) {
          committed(step, current.version + 1, ids);
          return { ...step.next, version: current.version + 1 };
        }
        const fresh = await store.get(current.id);
        if (!fresh || attempt >= ATTEMPTS) {
          throw new NegotiationProblem('DS_NEGOTIATION_CONFLICT', `negotiation ${current.id} changed ${attempt} times while a change was prepared`, undefined, current);
        }
        current = fresh;
      }
    },

    async create(step) {
      const ids = await persist(step, 'insert');
      committed(step, step.next.version, ids ?? []);
      return step.next;
    },
  };
}
