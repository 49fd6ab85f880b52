import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldActivities, mergeActivityDefinition, personOf } from './document-activity.js';
import { parseDocumentParams, parseTimestamp } from './document-params.js';
import { checkPreconditions, decideWrite, entityTags, etagOf, isJsonType, type StoredDocument } from './document.js';

const enc = (s: string) => new TextEncoder().encode(s);
const now = new Date('2026-03-01T10:00:00Z');
const doc = (body: string, contentType = 'application/json'): StoredDocument => ({ contentType, content: enc(body), etag: etagOf(enc(body)), updated: new Date('2026-01-01T00:00:00Z') });
const lenient = { requirePreconditionOnPut: false };
const strict = { requirePreconditionOnPut: true };

describe('document concurrency (Communication 3.1)', () => {
  it('computes the ETag as lower-case hex SHA-1 of the bytes', () => {
    assert.equal(etagOf(enc('')), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('reads ETag lists: quoted, weak, unquoted, *', () => {
    assert.deepEqual(entityTags('"AbC", W/"def" , ghi, *'), ['abc', 'def', 'ghi', '*']);
  });

  it('If-Match holds only for a stored document whose ETag is listed (or *)', () => {
    const d = doc('{}');
    assert.equal(checkPreconditions(d, { ifMatch: `"${d.etag}"` }).ok, true);
    assert.equal(checkPreconditions(d, { ifMatch: '*' }).ok, true);
    assert.equal(checkPreconditions(d, { ifMatch: '"nope"' }).ok, false);
    assert.equal(checkPreconditions(undefined, { ifMatch: '*' }).ok, false);
  });

  it('If-None-Match fails when the document exists with * or a listed ETag', () => {
    const d = doc('{}');
    assert.equal(checkPreconditions(undefined, { ifNoneMatch: '*' }).ok, true);
    assert.equal(checkPreconditions(d, { ifNoneMatch: '*' }).ok, false);
    assert.equal(checkPreconditions(d, { ifNoneMatch: `"${d.etag}"` }).ok, false);
    assert.equal(checkPreconditions(d, { ifNoneMatch: '"other"' }).ok, true);
  });

  it('a blind PUT over an existing document is a conflict only where the rules demand a precondition', () => {
    const incoming = { contentType: 'application/json', content: enc('{"a":2}') };
    const r = decideWrite('PUT', doc('{"a":1}'), incoming, {}, strict, now);
    assert.equal(r.ok ? 'ok' : r.error.code, 'DS_LRS_DOCUMENT_CONFLICT');
    assert.equal(decideWrite('PUT', doc('{"a":1}'), incoming, {}, lenient, now).ok, true);
    assert.equal(decideWrite('PUT', undefined, incoming, {}, strict, now).ok, true);
  });
});

describe('document merge (Communication 2.2.s7–s8)', () => {
  const json = (body: string) => ({ contentType: 'application/json; charset=utf-8', content: enc(body) });

  it('merges top-level properties, whole values replaced, and re-serialises', () => {
    const r = decideWrite('POST', doc('{"x":"foo","y":"bar","o":{"a":1,"b":2}}'), json('{"x":"bash","z":"faz","o":{"a":3}}'), {}, strict, now);
    assert.ok(r.ok);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(r.value.content)), { x: 'bash', y: 'bar', z: 'faz', o: { a: 3 } });
    assert.equal(r.value.etag, etagOf(r.value.content));
    assert.equal(r.value.updated, now);
  });

  it('refuses when either side is not an application/json object', () => {
    const code = (r: ReturnType<typeof decideWrite>) => (r.ok ? 'ok' : r.error.code);
    assert.equal(code(decideWrite('POST', doc('abc', 'text/plain'), json('{}'), {}, strict, now)), 'DS_LRS_DOCUMENT_MERGE');
    assert.equal(code(decideWrite('POST', doc('[1]'), json('{}'), {}, strict, now)), 'DS_LRS_DOCUMENT_MERGE');
    assert.equal(code(decideWrite('POST', doc('{}'), json('true'), {}, strict, now)), 'DS_LRS_DOCUMENT_MERGE');
    assert.equal(code(decideWrite('POST', doc('{}'), { contentType: 'text/plain', content: enc('{}') }, {}, strict, now)), 'DS_LRS_DOCUMENT_MERGE');
    assert.equal(code(decideWrite('POST', undefined, json('{"a"'), {}, strict, now)), 'DS_LRS_DOCUMENT_INVALID_JSON');
    assert.equal(code(decideWrite('POST', undefined, json('true'), {}, strict, now)), 'ok');
  });

  it('recognises application/json with parameters, in any case', () => {
    assert.equal(isJsonType('Application/JSON; charset=utf-8'), true);
    assert.equal(isJsonType('application/jsonl'), false);
  });
});

describe('document parameters', () => {
  const agent = JSON.stringify({ mbox: 'mailto:a@example.org' });
  it('parses a complete State address and keys the agent by its IFI', () => {
    const r = parseDocumentParams({ activityId: 'http://x.org/a', agent, registration: 'ABCDEF01-2345-4678-89AB-CDEF01234567', stateId: 's' }, { activityId: 'required', agent: 'required', registration: 'optional', id: { name: 'stateId', presence: 'required' } });
    assert.ok(r.ok);
    assert.equal(r.value.agentKey, 'mbox::mailto:a@example.org');
    assert.equal(r.value.registration, 'abcdef01-2345-4678-89ab-cdef01234567');
  });

  it('names every offending parameter at once', () => {
    const r = parseDocumentParams({ agent: 'x', since: 'later', extra: '1', stateId: ['a', 'b'] }, { activityId: 'required', agent: 'required', id: { name: 'stateId', presence: 'optional' }, since: 'optional' });
    assert.ok(!r.ok);
    assert.deepEqual(r.error.errors?.map((e) => e.path).sort(), ['/query/activityId', '/query/agent', '/query/extra', '/query/since', '/query/stateId']);
  });

  it('reads timestamps with or without an offset (UTC assumed)', () => {
    assert.equal(parseTimestamp('2026-01-01T10:00:00')?.toISOString(), '2026-01-01T10:00:00.000Z');
    assert.equal(parseTimestamp('2026-01-01T10:00:00.5+02:00')?.toISOString(), '2026-01-01T08:00:00.500Z');
    assert.equal(parseTimestamp('2026-01-01'), undefined);
  });
});

describe('canonical activity definitions (XAPI-00254)', () => {
  it('accumulates language maps and extensions, takes later scalars, merges interaction components by id', () => {
    const merged = mergeActivityDefinition(
      { name: { en: 'Quiz' }, type: 'http://a/t1', extensions: { 'http://e/1': 1 }, choices: [{ id: 'a', description: { en: 'A' } }] },
      { name: { fr: 'Quiz FR' }, type: 'http://a/t2', extensions: { 'http://e/2': 2 }, choices: [{ id: 'a', description: { fr: 'A fr' } }, { id: 'b', description: { en: 'B' } }] },
    );
    assert.deepEqual(merged, {
      name: { en: 'Quiz', fr: 'Quiz FR' },
      type: 'http://a/t2',
      extensions: { 'http://e/1': 1, 'http://e/2': 2 },
      choices: [{ id: 'a', description: { en: 'A', fr: 'A fr' } }, { id: 'b', description: { en: 'B' } }],
    });
  });

  it('folds a batch per id and ignores activities without a definition', () => {
    const f = foldActivities([{ id: 'x', definition: { name: { en: 'X' } } }, { id: 'y' }, { id: 'x', definition: { name: { de: 'X' } } }]);
    assert.deepEqual([...f.keys()], ['x']);
    assert.deepEqual(f.get('x'), { name: { en: 'X', de: 'X' } });
  });

  it('makes a Person of an Agent, every property an array', () => {
    assert.deepEqual(personOf({ name: 'A', openid: 'http://id.example.org/a' }), { objectType: 'Person', name: ['A'], openid: ['http://id.example.org/a'] });
  });
});
