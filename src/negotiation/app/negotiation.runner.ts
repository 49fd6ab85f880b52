import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Logger } from '../../kernel/index.js';
import type { MessageKind } from '../domain/negotiation.machine.js';
import type { Negotiation } from '../domain/negotiation.js';
import { NegotiationProblem } from './negotiation.problem.js';
import type { Notifier } from './negotiation.notifier.js';
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
   * Applies a change to `n`. `decide` runs before the transaction (it may sign, verify signatures or read the
   * catalog: none of that may hold the database); the result is written under the row lock only if nobody moved
   * the negotiation meanwhile, else `decide` runs again on the fresh row. `decide` returns undefined for "no change".
   */
  change(n: Negotiation, decide: (current: Negotiation) => Promise<Step | undefined>): Promise<Negotiation>;
  /** Inserts a new negotiation with its first messages, in one transaction. */
  create(step: Step): Promise<Negotiation>;
}

const ATTEMPTS = 5;

export function createRunner(deps: { db: Kysely<DB>; store: NegotiationStore; outbox: OutboxPort; notifier: Notifier; logger: Logger }): Runner {
  const { db, store, outbox, notifier } = deps;

  async function write(tx: Kysely<DB>, step: Step): Promise<void> {
    if (step.record) await step.record(tx);
    // Enqueued last: the outbox looks for a message right after enqueue, so the commit should follow at once.
    for (const s of step.sends ?? []) await outbox.enqueue(tx, { topic: OUTBOX_TOPIC, url: s.url, audience: step.next.counterpartyDid, body: s.body, key: step.next.id });
  }

  function committed(step: Step, version: number): void {
    notifier.changed(step.next.id, { ...step.next, version });
    if (step.sends?.length) outbox.kick?.();
  }

  return {
    async change(n, decide) {
      let current = n;
      for (let attempt = 1; ; attempt++) {
        const step = await decide(current);
        if (!step) return current;
        const saved = await db.transaction().execute(async (tx) => {
          const locked = await store.lock(tx, current.id);
          if (!locked || locked.version !== current.version) return false;
          if (!(await store.save(tx, step.next))) return false;
          await write(tx, step);
          return true;
        });
        if (saved) {
          committed(step, current.version + 1);
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
      await db.transaction().execute(async (tx) => {
        await store.insert(tx, step.next);
        await write(tx, step);
      });
      committed(step, step.next.version);
      return step.next;
    },
  };
}
