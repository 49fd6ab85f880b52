import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError } from '../../kernel/index.js';
import { measureWhole, type FileContent, type OpenedSource, type SourceRequest } from '../app/source.js';
import { fileEtag, parseRange } from '../domain/range.js';
import { hashFile } from './metering.js';
import { packDirectory } from './tar.js';

/**
 * A file, with HTTP Range (206/416, If-Range against a strong ETag from size and mtime), or a directory as a tar.
 * A range that reaches the end of the file completes the transfer; its hash is then that of the whole file,
 * read again, so the receipt names the content and not the last fragment.
 */
export async function openFileSource(path: string, req: SourceRequest, mediaType?: string): Promise<OpenedSource> {
  const st = await stat(path).catch(() => {
    throw new AppError('DS_DATAPLANE_SOURCE_FAILED', 'the file behind this distribution is not available');
  });
  if (st.isDirectory()) {
    return { status: 200, headers: { 'content-type': 'application/x-tar' }, ...(req.head ? {} : { body: packDirectory(path) }), measure: measureWhole };
  }
  if (!st.isFile()) throw new AppError('DS_DATAPLANE_SOURCE_FAILED', 'the distribution path is neither a file nor a directory');
  const size = st.size;
  const etag = fileEtag(size, st.mtimeMs);
  const base = { 'content-type': mediaType ?? 'application/octet-stream', 'accept-ranges': 'bytes', etag };
  const range = req.ifRange !== undefined && req.ifRange !== etag ? undefined : parseRange(req.range, size);
  if (range === 'unsatisfiable') {
    throw Object.assign(new AppError('DS_DATAPLANE_RANGE_NOT_SATISFIABLE', `the file has ${size} bytes`, [{ path: '/headers/range', message: `outside 0-${size - 1}` }]), { contentRange: `bytes */${size}` });
  }
  if (!range) {
    return withContent({ status: 200, headers: { ...base, 'content-length': String(size) }, measure: measureWhole }, req.head ? undefined : { path, start: 0, end: size - 1 }, false);
  }
  const { start, end } = range;
  return withContent({
    status: 206,
    headers: { ...base, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}` },
    async measure(meter, delivered, endedAt) {
      if (!delivered || end !== size - 1 || start === 0) return meter.measurement(endedAt(), delivered && end === size - 1);
      meter.digest();
      const whole = await hashFile(path);
      return { bytes: whole.bytes, sha256: whole.hash.digest('hex'), startedAt: meter.startedAt, endedAt: endedAt(), complete: whole.bytes === size };
    },
  }, req.head ? undefined : { path, start, end }, true);
}

/** Adds `file` and a `body` read stream opened only if asked for: a pull served from `file` never opens it. */
function withContent(opened: OpenedSource, file: FileContent | undefined, ranged: boolean): OpenedSource {
  if (!file) return opened;
  let body: ReturnType<typeof createReadStream> | undefined;
  return Object.defineProperties(opened, {
    file: { value: file, enumerable: true },
    body: { get: () => (body ??= ranged ? createReadStream(file.path, { start: file.start, end: file.end }) : createReadStream(file.path)), enumerable: true },
  });
}
