import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { configTable } from '../../scripts/config-table.js';
import { CONFIG_KEYS, loadConfig } from './config.js';

const README = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');

describe('configuration', () => {
  it('documents every key in the README table, as generated (npm run docs:config)', () => {
    for (const spec of Object.values(CONFIG_KEYS)) assert.ok(README.includes(`| \`${spec.env}\` |`), `README lacks ${spec.env}`);
    assert.ok(README.includes(configTable()), 'README configuration table is stale: run npm run docs:config');
  });

  it('takes flags over environment over defaults, and derives the public URL from the port', () => {
    const c = loadConfig({ DASES_PORT: '4000', DASES_NAME: 'env' }, { name: 'flag' });
    assert.equal(c.port, 4000);
    assert.equal(c.name, 'flag');
    assert.equal(c.publicUrl, 'http://127.0.0.1:4000');
    assert.deepEqual(c.roles, ['data-provider', 'data-consumer']);
  });

  it('names the offending variable when a value is invalid', () => {
    assert.throws(() => loadConfig({ DASES_PORT: 'eighty' }), /DASES_PORT/);
    assert.throws(() => loadConfig({}, { port: '70000' }), /--port/);
    assert.throws(() => loadConfig({ DASES_URL: 'ftp://x' }), /DASES_URL/);
  });
});
