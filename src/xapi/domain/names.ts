import { createHash } from 'node:crypto';

/**
 * Name-based UUIDs (RFC 9562 version 5, SHA-1) for converted statements: converting the same input twice gives the
 * same statement ids, so a re-run posts statements the LRS already holds (it answers them as duplicates instead of
 * storing the learning trace twice). That is why the converters do not take ids from the IdGenerator.
 */
const NAMESPACE = Buffer.from('6b1e5d2a9c3f4e8fa7d0c2b4e6f81a3d', 'hex');

export function nameUuid(...parts: string[]): string {
  const h = createHash('sha1').update(NAMESPACE).update(parts.join('\u0000'), 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** SCORM 1.2 CMITimespan `HHHH:MM:SS.SS` → ISO 8601 duration; undefined when it is not one. */
export function timespanToDuration(v: string): string | undefined {
  const m = /^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$/.exec(v.trim());
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3]) + Number(m[4] ?? 0)];
  if (min > 59 || s >= 60) return undefined;
  return `PT${h}H${min}M${Number(s.toFixed(2))}S`;
}

/**
 * A SCORM 1.2 CMITime `HH:MM:SS.SS` (time of day, no date, no zone) placed on the day of `day`, an ISO timestamp of
 * the same attempt, in that timestamp's zone: the LMS wrote both in its local time.
 */
export function timeOfDay(v: string, day: string): string | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(\.\d{1,2})?$/.exec(v.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) return undefined;
  const zone = /(Z|[+-]\d{2}:?\d{2})$/i.exec(day)?.[1] ?? 'Z';
  return `${day.slice(0, 10)}T${m[1]}:${m[2]}:${m[3]}${m[4] ?? ''}${zone}`;
}
