import { isObject } from '../domain/input-problem.js';

/** Text chunks from strings or bytes (UTF-8, split multi-byte characters handled by the streaming decoder). */
export async function* textChunks(input: string | Uint8Array | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncGenerator<string> {
  if (typeof input === 'string') return yield input;
  if (input instanceof Uint8Array) return yield new TextDecoder().decode(input);
  const decoder = new TextDecoder();
  for await (const c of input as AsyncIterable<string | Uint8Array>) {
    const s = typeof c === 'string' ? c : decoder.decode(c, { stream: true });
    if (s) yield s;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

export interface JsonRecord {
  record: unknown;
  index: number;
  /** 1-based line of the record in NDJSON input; undefined inside a JSON document. */
  line?: number;
  /** The input was this one JSON object (not an array, not NDJSON): its fields sit at the input's root. */
  single?: boolean;
}

export class JsonInputError extends Error {
  constructor(readonly line: number | undefined, message: string) {
    super(message);
  }
}

function parse(text: string, line: number | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JsonInputError(line, `not valid JSON${line ? ` on line ${line}` : ''}: ${(e as Error).message}`);
  }
}

/**
 * Records of a JSON input: NDJSON (one record per line; streamed) or one JSON document (an array of records, or a
 * single object), which is read whole: a document cannot be cut into records before it is parsed.
 */
export async function* readJsonRecords(chunks: AsyncIterable<string>, spread: (doc: unknown) => unknown[] = (d) => (Array.isArray(d) ? d : [d])): AsyncGenerator<JsonRecord> {
  let buffer = '';
  let mode: 'undecided' | 'ndjson' | 'document' = 'undecided';
  let line = 0;
  let index = 0;
  for await (const chunk of chunks) {
    buffer += chunk;
    if (mode === 'document') continue;
    if (mode === 'undecided') {
      const start = buffer.search(/\S/);
      if (start < 0) continue;
      if (buffer[start] === '[') {
        mode = 'document';
        continue;
      }
      const nl = buffer.indexOf('\n', start);
      if (nl < 0) continue;
      // One object per line is NDJSON; an object spread over lines (pretty-printed) is a single document.
      try {
        JSON.parse(buffer.slice(0, nl));
        mode = 'ndjson';
      } catch {
        mode = 'document';
        continue;
      }
    }
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      line++;
      if (text.trim() === '') continue;
      yield { record: parse(text, line), index: index++, line };
    }
  }
  if (mode === 'ndjson') {
    if (buffer.trim() !== '') yield { record: parse(buffer, line + 1), index: index++, line: line + 1 };
    return;
  }
  if (buffer.trim() === '') return;
  const doc = parse(buffer, undefined);
  if (mode === 'undecided' && !isObject(doc) && !Array.isArray(doc)) throw new JsonInputError(undefined, 'the input must be NDJSON, a JSON array of records or one JSON object');
  const single = !Array.isArray(doc);
  for (const record of spread(doc)) yield { record, index: index++, ...(single ? { single } : {}) };
}
