/**
 * Reads a fetch response body as text, at most `maxBytes`, so a hostile or broken peer cannot exhaust memory.
 * Past the limit (declared or streamed) the body is cancelled and `tooLarge()` is thrown.
 */
export async function readLimited(res: Response, maxBytes: number, tooLarge: () => Error): Promise<string> {
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
