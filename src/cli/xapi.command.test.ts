import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { convertCommand, progressLine } from './xapi.command.js';
import type { CommandIo } from './node-client.js';

const attempt = (learner: string) => ({
  course: { id: 'https://lms.example.org/courses/cs204', name: 'CS204' },
  sco: { id: 'https://lms.example.org/courses/cs204/lesson01', name: 'Lesson 01' },
  attempt: learner === '500-1' ? 'a-one' : 'a-two',
  startedAt: '2026-03-01T10:00:00Z',
  endedAt: '2026-03-01T10:30:00Z',
  cmi: { 'cmi.core.student_id': learner, 'cmi.core.student_name': `Learner ${learner}`, 'cmi.core.lesson_status': 'completed', 'cmi.core.score.raw': '80', 'cmi.core.session_time': '0000:30:00' },
});

describe('dases xapi convert', () => {
  let dir: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    const value: CommandIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), fail: () => undefined };
    return { value, out, err };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dases-xapi-convert-'));
    writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('base64'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('converts a SCORM 1.2 file into NDJSON statements with a progress bar, and pseudonymises with the node key', async () => {
    const input = join(dir, 'attempts.ndjson');
    writeFileSync(input, `${[attempt('500-1'), attempt('500-2')].map((a) => JSON.stringify(a)).join('\n')}\n`);
    const out = join(dir, 'statements.ndjson');
    const o = io();
    assert.equal(await convertCommand(input, { from: 'scorm12', out, homePage: 'https://lms.example.org', progress: true }, o.value), 0);
    const statements = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { actor: { account?: { name: string } }; verb: { id: string } });
    assert.ok(statements.length >= 4);
    assert.deepEqual(new Set(statements.map((s) => s.actor.account?.name)), new Set(['500-1', '500-2']));
    const log = o.err.join('');
    assert.match(log, /\[#{24}\] 100%  2 records -> \d+ statements/);
    assert.match(log, new RegExp(`${statements.length} statements written to`));

    const masked = io();
    assert.equal(await convertCommand(input, { from: 'scorm12', homePage: 'https://tb.example', pseudonymise: true, data: dir }, masked.value), 0);
    const text = masked.out.join('');
    assert.doesNotMatch(text, /500-1|500-2|Learner/);
    const again = io();
    await convertCommand(input, { from: 'scorm12', homePage: 'https://tb.example', pseudonymise: true, data: dir }, again.value);
    assert.equal(again.out.join(''), text, 'the same key gives the same pseudonyms (and the same statement ids)');
  });

  it('names the record and field of bad input and exits 1; refuses options it cannot honour', async () => {
    const input = join(dir, 'bad.ndjson');
    writeFileSync(input, `${JSON.stringify(attempt('1'))}\n${JSON.stringify({ ...attempt('2'), cmi: { ...attempt('2').cmi, 'cmi.core.score.raw': 'eighty' } })}\n`);
    const o = io();
    assert.equal(await convertCommand(input, { from: 'scorm12', homePage: 'https://lms.example.org' }, o.value), 1);
    assert.match(o.err.join(''), /score/);
    await assert.rejects(convertCommand(input, { from: 'xml' }, io().value), /--from must be one of/);
    await assert.rejects(convertCommand(input, { from: 'csv' }, io().value), /--mapping/);
    await assert.rejects(convertCommand(input, { from: 'scorm12', pseudonymise: true }, io().value), /--home-page/);
    await assert.rejects(convertCommand(input, { from: 'scorm12', pseudonymise: true, homePage: 'https://x.example', data: join(dir, 'nowhere') }, io().value), /master key/);
  });

  it('draws the bar from the share of the input read', () => {
    assert.equal(progressLine({ records: 3, statements: 9, skipped: 1, done: false } as Parameters<typeof progressLine>[0], 50, 200, 8), '[##......]  25%  3 records -> 9 statements, 1 skipped');
  });
});
