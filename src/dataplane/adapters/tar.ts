import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/**
 * A directory as a tar stream (ustar + pax for long names, via tar-stream), produced entry by entry as the reader
 * asks: only regular files and directories, symbolic links are not followed (they could lead out of the shared tree).
 */
export function packDirectory(root: string): Readable {
  const pack = tar.pack();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, relPath);
      const st = await lstat(abs);
      if (st.isDirectory()) {
        pack.entry({ name: `${relPath}/`, type: 'directory', mode: 0o755, mtime: st.mtime });
        await walk(relPath);
      } else if (st.isFile()) {
        const entry = pack.entry({ name: relPath, type: 'file', size: st.size, mode: 0o644, mtime: st.mtime });
        await pipeline(createReadStream(abs), entry);
      }
    }
  };
  walk('')
    .then(() => pack.finalize())
    .catch((e: Error) => pack.destroy(e));
  // tar-stream streams are streamx streams: Readable.from bridges them into a Node stream with back-pressure.
  const out = Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
  out.once('close', () => pack.destroy());
  return out;
}

/** A Node Writable that extracts a tar under `dir`: entries that would land outside it are refused. */
export function extractInto(dir: string): Writable {
  const extract = tar.extract();
  const root = resolve(dir);
  const done = (async () => {
    for await (const entry of extract) {
      const target = safeTarget(root, entry.header.name);
      if (entry.header.type === 'directory') {
        await mkdir(target, { recursive: true });
        entry.resume();
      } else if (entry.header.type === 'file') {
        await mkdir(dirname(target), { recursive: true });
        await pipeline(entry, createWriteStream(target, { mode: 0o644 }));
      } else entry.resume(); // links, devices, fifos: never materialised
    }
  })();
  const out: Writable = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (extract.write(chunk)) cb();
      else extract.once('drain', () => cb());
    },
    final(cb) {
      // streamx's end() takes no chunk; the Node typings of @types/tar-stream insist on one.
      (extract as unknown as { end(): void }).end();
      done.then(() => cb(), cb);
    },
    destroy(err, cb) {
      extract.destroy(err ?? undefined);
      cb(err);
    },
  });
  // A refused entry ends the extraction: the writer must fail too, not wait for a drain that never comes.
  done.catch((e: Error) => out.destroy(e));
  return out;
}

function safeTarget(root: string, name: string): string {
  const clean = posix.normalize(name.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
  if (clean === '' || clean.startsWith('/') || clean === '..' || clean.startsWith('../') || clean.includes('\0')) throw new Error(`tar entry "${name}" would be written outside the folder`);
  const target = resolve(root, clean);
  if (target !== root && !target.startsWith(root + sep)) throw new Error(`tar entry "${name}" would be written outside the folder`);
  return target;
}
