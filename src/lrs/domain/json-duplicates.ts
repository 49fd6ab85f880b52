import { pointerEscape } from './xapi-primitives.js';

/**
 * XAPI-00021: a statement using a property twice must be refused, but JSON.parse keeps the last value silently.
 * This scans JSON text (already known to parse) and returns the JSON pointer of the first repeated key, if any.
 */
export function firstDuplicateKey(text: string): string | undefined {
  type Frame = { obj: true; keys: Set<string>; expectKey: boolean; key: string } | { obj: false; index: number };
  const stack: Frame[] = [];
  const pointer = () => stack.map((f) => (f.obj ? pointerEscape(f.key) : String(f.index))).join('/');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') { s += text.slice(j, j + 2); j += 2; } else { s += text[j]; j += 1; }
      }
      const top = stack[stack.length - 1];
      if (top?.obj && top.expectKey) {
        const key = JSON.parse(`"${s}"`) as string;
        top.key = key;
        if (top.keys.has(key)) return `/${pointer()}`;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    } else if (c === '{') stack.push({ obj: true, keys: new Set(), expectKey: true, key: '' });
    else if (c === '[') stack.push({ obj: false, index: 0 });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.obj) top.expectKey = true;
      else if (top) top.index += 1;
    }
  }
  return undefined;
}
