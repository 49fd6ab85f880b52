import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { ERROR_CATALOGUE } from './error-catalogue.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !p.endsWith('error-catalogue.ts')) out.push(p);
  }
  return out;
}

const used = new Set<string>();
for (const file of sources(SRC)) for (const m of readFileSync(file, 'utf8').matchAll(/'(DS_[A-Z0-9_]+)'/g)) used.add(m[1]!);

it('catalogues every error code the code base uses', () => {
  const missing = [...used].filter((c) => !(c in ERROR_CATALOGUE));
  assert.deepEqual(missing, []);
});

it('has no catalogue entry that nothing uses', () => {
  const dead = Object.keys(ERROR_CATALOGUE).filter((c) => !used.has(c));
  assert.deepEqual(dead, []);
});

it('gives every code a 4xx or 5xx status and a title, and follows DS_<CONTEXT>_<PROBLEM>', () => {
  for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
    assert.match(code, /^DS_[A-Z]+_[A-Z0-9_]+$/);
    assert.ok(e.status >= 400 && e.status < 600, code);
    assert.ok(e.title.length > 5, code);
  }
});
