/**
 * The JSONPath subset xAPI Profiles allow in Statement Template rules (xAPI Profiles 1.0, §8.1): `$`, child names
 * (`.name`, `['name']`), non-negative array indices, `*`, unions inside brackets (`['a','b']`, `[0,1]`) and `|`
 * between whole paths. Filters, scripts, slices and recursive descent are refused, as the specification requires.
 * Written here because the maintained npm implementations need Node 22.
 */
type Selector = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };
type Segment = Selector[];
export type CompiledPath = (root: unknown) => unknown[];

export class JsonPathError extends Error {}

const NAME = /^[^.[\]\s|*'"]+/;

function parseBracket(src: string, at: number): { segment: Segment; next: number } {
  const segment: Segment = [];
  let i = at + 1;
  for (;;) {
    while (src[i] === ' ') i++;
    const c = src[i];
    if (c === '*') {
      segment.push({ kind: 'wildcard' });
      i++;
    } else if (c === "'" || c === '"') {
      let name = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        name += src[i];
        i++;
      }
      if (src[i] !== c) throw new JsonPathError(`unterminated string at ${at}`);
      segment.push({ kind: 'name', name });
      i++;
    } else {
      const m = /^\d+/.exec(src.slice(i));
      if (!m) throw new JsonPathError(`only quoted names, non-negative indices and * are allowed in brackets (at ${i})`);
      segment.push({ kind: 'index', index: Number(m[0]) });
      i += m[0].length;
    }
    while (src[i] === ' ') i++;
    if (src[i] === ',') {
      i++;
      continue;
    }
    if (src[i] === ']') return { segment, next: i + 1 };
    throw new JsonPathError(`expected , or ] at ${i}`);
  }
}

function parseOne(raw: string): Segment[] {
  let src = raw.trim();
  // The profile specification's own example omits the root ("context.contextActivities.grouping[0]").
  if (!src.startsWith('$')) src = `$.${src}`;
  const segments: Segment[] = [];
  let i = 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '.') {
      if (src[i + 1] === '.') throw new JsonPathError('recursive descent (..) is not allowed in xAPI Profiles');
      if (src[i + 1] === '*') {
        segments.push([{ kind: 'wildcard' }]);
        i += 2;
        continue;
      }
      const m = NAME.exec(src.slice(i + 1));
      if (!m) throw new JsonPathError(`expected a name after . at ${i}`);
      segments.push([{ kind: 'name', name: m[0] }]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const { segment, next } = parseBracket(src, i);
      segments.push(segment);
      i = next;
    } else throw new JsonPathError(`unexpected "${c}" at ${i}`);
  }
  return segments;
}

function step(values: unknown[], segment: Segment): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (typeof v !== 'object' || v === null) continue;
    for (const sel of segment) {
      if (sel.kind === 'wildcard') out.push(...(Array.isArray(v) ? v : Object.values(v)));
      else if (sel.kind === 'index') {
        if (Array.isArray(v) && sel.index < v.length) out.push(v[sel.index]);
      } else if (!Array.isArray(v) && Object.hasOwn(v, sel.name)) out.push((v as Record<string, unknown>)[sel.name]);
    }
  }
  return out;
}

/** Compiles a location or selector once (profiles are validated against many statements); throws JsonPathError. */
export function compileJsonPath(expression: string): CompiledPath {
  if (/[?()@]/.test(expression.replace(/'[^']*'|"[^"]*"/g, ''))) throw new JsonPathError('filter and script expressions are not allowed in xAPI Profiles');
  const alternatives = expression.split(/\|(?=(?:[^'"]|'[^']*'|"[^"]*")*$)/).map(parseOne);
  return (root) => alternatives.flatMap((segments) => segments.reduce<unknown[]>((vals, seg) => step(vals, seg), [root]));
}
