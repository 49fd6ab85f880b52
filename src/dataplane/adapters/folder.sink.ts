import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sink } from '../app/sink.js';
import { openFileSink } from './file.sink.js';
import { extractInto } from './tar.js';

export const isTar = (contentType: string | undefined) => /^application\/(x-)?tar\b/i.test(contentType ?? '');

/**
 * A folder destination: a tar is extracted into a staging directory inside the folder (entries that would escape
 * it are refused) and moved into place on commit, replacing what has the same name; anything else becomes the file
 * `<folder>/<transferId>` (characters other than letters, digits, `.`, `_`, `-` replaced by `_`).
 */
export async function openFolderSink(folder: string, transferId: string, contentType: string | undefined): Promise<Sink> {
  await mkdir(folder, { recursive: true });
  // Transfer ids are chosen by protocol peers (urn:uuid:…): only a safe file name is made of them.
  const name = transferId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  if (!isTar(contentType)) return openFileSink(join(folder, name), { append: false });
  const staging = join(folder, `.dases-${name}.part`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  const writable = extractInto(staging);
  return {
    writable,
    async commit() {
      for (const entry of await readdir(staging)) {
        await rm(join(folder, entry), { recursive: true, force: true });
        await rename(join(staging, entry), join(folder, entry));
      }
      await rm(staging, { recursive: true, force: true });
    },
    async abort() {
      writable.destroy();
      await rm(staging, { recursive: true, force: true });
    },
  };
}
