import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { Sink } from '../app/sink.js';

/** What a partial download remembers next to its `.part`, so a later pull resumes it with Range + If-Range. */
export interface PartInfo {
  transferId: string;
  etag: string;
}

const partOf = (path: string) => `${path}.part`;
const infoOf = (path: string) => `${path}.part.json`;

/**
 * A file destination: bytes go to `<path>.part`, fsynced and renamed onto `<path>` on commit, so a reader never sees
 * a half-written file under the final name. With `resume`, the part is appended to (the caller checked the ETag).
 */
export async function openFileSink(path: string, opts: { append: boolean; resumable?: PartInfo; exclusive?: boolean }): Promise<Sink> {
  await mkdir(dirname(path), { recursive: true });
  // A received push writes its own part: a push that aborts cannot remove the part of another one that started
  // meanwhile (the provider pushing again after a restart). A pull (one job per transfer) uses the known name.
  const part = opts.exclusive ? `${path}.${randomBytes(6).toString('hex')}.part` : partOf(path);
  if (opts.resumable) await writeFile(infoOf(path), JSON.stringify(opts.resumable));
  else await rm(infoOf(path), { force: true });
  const writable = createWriteStream(part, { flags: opts.append ? 'a' : 'w' });
  return {
    writable,
    async commit() {
      const fh = await open(part, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(part, path);
      await rm(infoOf(path), { force: true });
      await syncDir(dirname(path));
    },
    async abort() {
      writable.destroy();
      // A resumable part stays for the next pull; anything else is removed rather than left half-written.
      if (!opts.resumable) await rm(part, { force: true });
    },
  };
}

/** The part left by an interrupted pull of this transfer, if it can be resumed. */
export async function resumablePart(path: string, transferId: string): Promise<(PartInfo & { offset: number; part: string }) | undefined> {
  try {
    const info = JSON.parse(await readFile(infoOf(path), 'utf8')) as PartInfo;
    const { size } = await stat(partOf(path));
    if (info.transferId !== transferId || typeof info.etag !== 'string' || size === 0) return undefined;
    return { ...info, offset: size, part: partOf(path) };
  } catch {
    return undefined;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  await fh?.sync().catch(() => undefined);
  await fh?.close();
}
