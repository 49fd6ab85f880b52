import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forEachEngine } from '../../../test/support/databases.js';
import { SPEC_DIR, specSkip } from '../../../test/support/spec.js';
import { validateStatement } from '../domain/statement.validator.js';
import { withLrsHarness, type LrsHarness } from '../testing/lrs-harness.js';
import { client } from '../testing/statement-fixtures.js';

/**
 * Real statements from the standards' samples (../shared/spec/xapi): the cmi5 sessions and the xAPI SCORM Profile
 * statement examples. Every one must be valid xAPI 1.0.3 and be stored and found again.
 */
const XAPI = join(SPEC_DIR, 'xapi');
const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
const NOT_STATEMENTS = /lms_launch_data|LearnerPreferences|fetch_url_response/;

function samples(): Array<{ file: string; statement: Record<string, unknown> }> {
  const cmi5 = walk(join(XAPI, 'cmi5', 'scenarios')).filter((f) => f.endsWith('.json') && !NOT_STATEMENTS.test(f));
  const scorm = walk(join(XAPI, 'scorm-profile', 'statements')).filter((f) => f.endsWith('.json'));
  return [...cmi5, ...scorm].map((file) => ({ file, statement: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> }));
}

test('every cmi5 and SCORM Profile sample statement is valid xAPI 1.0.3', { skip: specSkip }, () => {
  const all = samples();
  assert.ok(all.length >= 100, `only ${all.length} samples`);
  for (const { file, statement } of all) assert.deepEqual(validateStatement(statement, '/body', '1.0.3'), [], file);
});

forEachEngine('LRS statements: standard samples', (engine) => {
  let h: LrsHarness;
  withLrsHarness(engine, (x) => (h = x));

  test('the samples are stored in one batch and found again by registration and by id', { skip: specSkip }, async () => {
    const all = samples();
    // Sample files reuse ids across scenarios: the first of each id is sent.
    const byId = new Map<string, Record<string, unknown>>();
    for (const { statement } of all) if (typeof statement.id !== 'string' || !byId.has(statement.id)) byId.set(typeof statement.id === 'string' ? statement.id : `${byId.size}`, statement);
    const batch = [...byId.values()];
    const res = await client(h, '1.0.3').post(batch);
    assert.equal(res.statusCode, 200, res.body);
    const ids = res.json() as string[];
    assert.equal(ids.length, batch.length);
    const withRegistration = batch.find((s) => typeof (s.context as { registration?: string } | undefined)?.registration === 'string');
    const registration = (withRegistration?.context as { registration: string }).registration;
    const found = await client(h, '1.0.3').get({ registration, limit: 500 });
    const expected = batch.filter((s) => (s.context as { registration?: string } | undefined)?.registration?.toLowerCase() === registration.toLowerCase()).length;
    assert.equal((found.json() as { statements: unknown[] }).statements.length, expected);
    const one = await client(h, '1.0.3').get({ statementId: ids[0] as string });
    assert.equal(one.json().verb.id, (batch[0]?.verb as { id: string }).id);
  });
});
