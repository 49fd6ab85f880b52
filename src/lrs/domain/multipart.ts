/**
 * multipart/mixed as xAPI uses it for attachments (xAPI 1.0.3 Communication §1.5.2, RFC 2046 §5.1): the first
 * part is the statement(s) as application/json, each further part one attachment's raw bytes with its
 * `X-Experience-API-Hash` (hex SHA-2) and `Content-Transfer-Encoding: binary`.
 */
export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m?.[1] ?? m?.[2];
}

/** Splits a multipart body into parts; undefined when it is not well formed (no closing delimiter, bad headers). */
export function parseMultipart(body: Buffer, boundary: string): Part[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    // Transport padding, then CRLF, starts the part.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos += 1;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') return undefined;
    pos += 2;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), pos);
    if (next < 0) return undefined;
    const part = parsePart(body.subarray(pos, next));
    if (!part) return undefined;
    parts.push(part);
    pos = next + 2;
  }
}

function parsePart(raw: Buffer): Part | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const headerText = end < 0 ? (raw.toString('latin1').startsWith('\r\n') ? '' : undefined) : raw.subarray(0, end).toString('latin1');
  if (headerText === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerText.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: end < 0 ? raw.subarray(2) : raw.subarray(end + 4) };
}

/** Serialises parts into a multipart body with the given boundary. */
export function buildMultipart(boundary: string, parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = Object.entries(p.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
