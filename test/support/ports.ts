// Ports for test nodes that must know their own URL before they listen (a did:web identity is derived from it).
//
// Asking the kernel for a free port (listen on 0, close, listen again later) races with every other process on
// the machine: between the close and the second listen, the kernel may hand the same port to another test
// process's `listen(0)` or use it as the local port of an outgoing connection (both come from the ephemeral
// range, net.ipv4.ip_local_port_range, 32768-60999 on Linux by default). With test files running side by side
// that happened in CI (EADDRINUSE).
//
// So ports are taken below the ephemeral range, where the kernel never picks on its own, and each one is
// reserved across processes with a lock file created exclusively (O_EXCL) under the temporary directory. The
// reservation lasts as long as the process that took it (a later test may restart a node on the same port);
// lock files left by a process that died are taken over.
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where and among which ports an allocator reserves; the default is the one every test shares. */
export interface PortRange {
  first: number;
  last: number;
  /** Directory of the lock files, one per reserved port, each holding its owner's pid. */
  locks: string;
}

/** The first port of the kernel's ephemeral range (Linux; 32768 by default and elsewhere). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32768;
  } catch {
    return 32768;
  }
}

/** Up to 12,768 ports just below the ephemeral range; if that range starts too low to leave 1,000, the usual 20000-32767. */
function sharedRange(): PortRange {
  const locks = join(tmpdir(), 'dases-test-ports');
  const last = ephemeralLow() - 1;
  const first = Math.max(10000, last - 12767);
  return last - first + 1 >= 1000 ? { first, last, locks } : { first: 20000, last: 32767, locks };
}

const SHARED = sharedRange();
const held = new Set<string>();

process.once('exit', () => {
  for (const path of held) {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock file of `port` for this process; false if a live process holds it. */
function reserve(locks: string, port: number): boolean {
  const path = join(locks, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(path, 'utf8'));
    } catch {
      continue; // released meanwhile: try again
    }
    // An empty file is a lock being written right now; a live owner keeps its port.
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) return false;
    // Its owner died without releasing it. Two processes taking over the same stale lock at the same instant could
    // both end up holding the port; that needs a killed test process and a collision among 12,768 ports within
    // microseconds, so it is left at that.
    try {
      unlinkSync(path);
    } catch {
      /* taken over by another process meanwhile */
    }
  }
  return false;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** A loopback port of `range` reserved for this process, free when returned, that no other test process will be given. */
export async function reservePort(range: PortRange): Promise<number> {
  // Shared by every user of the machine, as the ports are: writable by all, and sticky (as /tmp is) so that
  // a user removes only its own locks. Another user's lock counts as live (signalling its owner is refused).
  if (mkdirSync(range.locks, { recursive: true }) !== undefined) chmodSync(range.locks, 0o1777);
  const span = range.last - range.first + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = range.first + ((start + i) % span);
    if (!reserve(range.locks, port)) continue;
    if (await bindable(port)) return port;
    // Used by something outside the tests: keep the reservation so that this process does not try it again.
  }
  throw new Error(`no free port between ${range.first} and ${range.last}`);
}

/** A loopback port for a test node, from the range every test shares (20000-32767 with Linux's defaults). */
export function freePort(): Promise<number> {
  return reservePort(SHARED);
}
