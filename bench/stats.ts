/** Latency statistics over measured samples (milliseconds). */
export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] ?? NaN;
}

export async function measure(n: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export interface Row {
  what: string;
  p50: number;
  p95: number;
  target?: string;
  baselineP50?: number;
}

export function printTable(title: string, rows: Row[]): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`${'measure'.padEnd(58)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'x baseline'.padStart(11)}  target\n`);
  for (const r of rows) {
    const ratio = r.baselineP50 ? (r.p50 / r.baselineP50).toFixed(1) : '';
    process.stdout.write(`${r.what.padEnd(58)} ${r.p50.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${ratio.padStart(11)}  ${r.target ?? ''}\n`);
  }
}
