import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from './nodes.js';
import { freePort, reservePort, type PortRange } from './ports.js';

// A private range and lock directory, apart from the range the other tests share.
const locks = mkdtempSync(join(tmpdir(), 'dases-ports-test-'));
const range: PortRange = { first: 19000, last: 19005, locks };
after(() => rmSync(locks, { recursive: true, force: true }));

/** Another process that reserves `n` ports of the range, prints them and stays alive until killed. */
async function holder(n: number) {
  const module = pathToFileURL(join(ROOT, 'test/support/ports.ts')).href;
  const code = `const { reservePort } = await import(${JSON.stringify(module)});
const got = []; for (let i = 0; i < ${n}; i++) got.push(await reservePort(${JSON.stringify(range)}));
console.log(JSON.stringify(got)); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
    });
    child.once('exit', (c) => reject(new Error(`holder exited with ${c}`)));
  });
  return { ports, kill: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGKILL'))) };
}

describe('test ports', () => {
  it('never gives a port that another live process reserved, and takes over those of a process that died', async () => {
    const other = await holder(3);
    assert.equal(new Set(other.ports).size, 3);
    const mine: number[] = [];
    await assert.rejects(async () => {
      for (let i = 0; i < 6; i++) mine.push(await reservePort(range));
    }, /no free port between 19000 and 19005/);
    assert.ok(mine.length <= 3, `at most the three ports the other process left: ${mine}`);
    assert.deepEqual(mine.filter((p) => other.ports.includes(p)), [], 'no port of the live process');

    await other.kill(); // SIGKILL: its lock files stay behind
    const taken = await reservePort(range);
    assert.ok(other.ports.includes(taken), `a port of the dead process (${taken} in ${other.ports})`);
  });

  it('skips a port some other program listens on', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const port = (busy.address() as AddressInfo).port;
      await assert.rejects(reservePort({ first: port, last: port, locks }), new RegExp(`no free port between ${port} and ${port}`));
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  const proc = '/proc/sys/net/ipv4/ip_local_port_range';
  const ephemeral = existsSync(proc) ? Number(readFileSync(proc, 'utf8').trim().split(/\s+/)[0]) : 32768;
  it('gives test nodes ports below the ephemeral range, each one once', { skip: ephemeral < 11000 && `the ephemeral range starts at ${ephemeral}, too low to stay below` }, async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    assert.equal(new Set(ports).size, 20);
    for (const p of ports) assert.ok(p >= 10000 && p < ephemeral, `${p} below ${ephemeral}`);
    assert.ok(readdirSync(join(tmpdir(), 'dases-test-ports')).filter((f) => ports.includes(Number(f))).length === 20, 'each one locked');
  });
});
