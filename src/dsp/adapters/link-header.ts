/** The target of the first link with the given relation in an RFC 8288 Link header, resolved against `base`. */
export function linkTarget(header: string | null, rel: string, base: string): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>([^<]*)/g)) {
    const params = m[2] ?? '';
    const r = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
    const rels = (r?.[1] ?? r?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes(rel)) {
      try {
        return new URL(m[1] ?? '', base).toString();
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
