// The concurrent xAPI clients of bench/lrs.ts, on their own thread (and event loop) as real clients would be on
// their own machines, so the node's event loop is not also paying for the clients' HTTP work.
import { parentPort, workerData } from 'node:worker_threads';

interface Job { url: string; method: 'GET' | 'POST'; bodies: string[] | undefined; count: number }
const { headers } = workerData as { headers: Record<string, string> };

async function timed(job: Job, i: number): Promise<number> {
  const t = performance.now();
  const r = await fetch(job.url, { method: job.method, headers, body: job.bodies?.[i] });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${job.method} ${job.url}: ${r.status} ${text.slice(0, 300)}`);
  return performance.now() - t;
}

parentPort?.on('message', (job: Job) => {
  Promise.all(Array.from({ length: job.count }, (_, i) => timed(job, i))).then(
    (latencies) => parentPort?.postMessage({ latencies }),
    (e: unknown) => parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
});
