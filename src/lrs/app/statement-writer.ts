import { namedIds, writeRequests, type CheckedRequest, type StoreDeps } from './store-statements.js';

/** Statements in one group transaction at most (a bigger request goes alone). */
const GROUP_STATEMENTS = 5000;

interface Pending { request: CheckedRequest; resolve: (ids: string[]) => void; reject: (e: unknown) => void }

/**
 * Group commit for statement writes (issue 8: 1,000 concurrent single-statement writers). One transaction runs at a
 * time; the requests that arrive meanwhile wait and go together in the next one, so a burst of small requests costs
 * a handful of transactions instead of one each, and a lone request starts at once (no timer, no added latency).
 * Each request stays all or nothing: when a group fails (a 409, a voiding rule, a database error), nothing of it
 * was written and its requests are retried one transaction each, so every request gets its own answer. Requests
 * naming the same statement id never share a group: the later one waits, and sees the earlier one as stored.
 */
export function createStatementWriter(deps: StoreDeps, opts: { groupStatements?: number } = {}) {
  const limit = opts.groupStatements ?? GROUP_STATEMENTS;
  const queue: Pending[] = [];
  let running = false;
  /** The `stored` time of the transaction under way: nothing stored at or after it is visible yet. */
  let writing: Date | undefined;

  /** Runs one transaction with a fresh `stored` time, known to consistentThrough() until it ends. */
  async function write(requests: CheckedRequest[]): Promise<string[][]> {
    writing = deps.clock.now();
    try {
      return await writeRequests(deps, requests, writing);
    } finally {
      writing = undefined;
    }
  }

  /** The oldest request, and after it every waiting one that fits and names no id already in the group. */
  function takeGroup(): Pending[] {
    const group: Pending[] = [];
    const waiting: Pending[] = [];
    const ids = new Set<string>();
    let size = 0;
    for (const p of queue) {
      const named = namedIds(p.request);
      const fits = group.length === 0 || (size + p.request.raws.length <= limit && !named.some((id) => ids.has(id)));
      if (!fits) {
        waiting.push(p);
        continue;
      }
      group.push(p);
      size += p.request.raws.length;
      for (const id of named) ids.add(id);
    }
    queue.splice(0, queue.length, ...waiting);
    return group;
  }

  async function alone(p: Pending): Promise<void> {
    try {
      const [ids] = await write([p.request]);
      p.resolve(ids as string[]);
    } catch (e) {
      p.reject(e);
    }
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length) {
        const group = takeGroup();
        if (group.length === 1) {
          await alone(group[0] as Pending);
          continue;
        }
        let ids: string[][] | undefined;
        try {
          ids = await write(group.map((p) => p.request));
        } catch {
          // Nothing of the group was written: each request alone gets its own result.
          for (const p of group) await alone(p);
        }
        if (ids) group.forEach((p, i) => p.resolve(ids[i] as string[]));
      }
    } finally {
      running = false;
    }
  }

  return {
    /**
     * X-Experience-API-Consistent-Through (xAPI 1.0.3 Communication §2.1.3): every statement stored before this
     * instant is visible to queries. Statements wait in the queue until a transaction gives them their `stored`
     * time, so only the transaction under way holds back earlier ones. (One writer per process: several processes
     * writing to one database would each know only their own.)
     */
    consistentThrough(): Date {
      return writing ? new Date(writing.getTime() - 1) : deps.clock.now();
    },

    write(request: CheckedRequest): Promise<string[]> {
      return new Promise<string[]>((resolve, reject) => {
        queue.push({ request, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}

export type StatementWriter = ReturnType<typeof createStatementWriter>;
