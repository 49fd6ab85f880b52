/** One byte range of a representation (inclusive bounds, as in Content-Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * RFC 9110 §14: a single `bytes=` range against a representation of `size` bytes. `undefined`: serve the whole
 * representation (no Range, several ranges, or a header we do not understand: all allowed by the RFC);
 * `'unsatisfiable'`: answer 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!m) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

/** A strong validator from what identifies a file's content version cheaply: its size and modification time. */
export const fileEtag = (size: number, mtimeMs: number): string => `"${size.toString(16)}-${Math.floor(mtimeMs * 1000).toString(16)}"`;

/** `bytes 100-199/1000` → its parts; undefined when not of that form. */
export function parseContentRange(header: string | null): { start: number; end: number; size: number } | undefined {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  return m ? { start: Number(m[1]), end: Number(m[2]), size: Number(m[3]) } : undefined;
}
