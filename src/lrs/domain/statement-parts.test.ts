import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseXapiVersion } from '../http/xapi-version.js';
import { firstDuplicateKey } from './json-duplicates.js';
import { boundaryOf, buildMultipart, parseMultipart } from './multipart.js';
import { acceptLanguages, formatStatement, pickLanguage } from './statement.format.js';
import { indexStatement, prepareStatement, sameStatement } from './statement.prepare.js';
import { parseStatementGet } from './statement-query.js';

describe('LRS domain pieces', () => {
  test('version negotiation: 1.0[.x] → 1.0.3, 2.0[.x] → 2.0.0, anything else refused', () => {
    assert.deepEqual(['1.0', '1.0.0', '1.0.3', '1.0.9', '2.0', '2.0.0', '2.0.4'].map(parseXapiVersion), ['1.0.3', '1.0.3', '1.0.3', '1.0.3', '2.0.0', '2.0.0', '2.0.0']);
    assert.deepEqual([undefined, '', '0.95', '1.1', '1', '3.0.0', '1.0.x'].map(parseXapiVersion), Array(7).fill(undefined));
  });

  test('XAPI-00021 duplicate keys are found at their JSON pointer, escaped; arrays counted', () => {
    assert.equal(firstDuplicateKey('{"a":1,"b":{"c":[1,{"d":2,"d":3}]}}'), '/b/c/1/d');
    assert.equal(firstDuplicateKey('{"a/b":{"x":"\\"y","x":1}}'), '/a~1b/x');
    assert.equal(firstDuplicateKey('[{"a":1},{"a":2}]'), undefined);
    assert.equal(firstDuplicateKey('{"s":"{\\"a\\":1,\\"a\\":2}"}'), undefined);
  });

  test('multipart/mixed round trip, boundary parsing, malformed bodies', () => {
    const body = buildMultipart('abc', [{ headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{}') }, { headers: { 'X-Experience-API-Hash': 'h' }, body: Buffer.from([0, 13, 10, 255]) }]);
    const parts = parseMultipart(body, 'abc');
    assert.equal(parts?.length, 2);
    assert.equal(parts?.[0]?.headers['content-type'], 'application/json');
    assert.deepEqual([...(parts?.[1]?.body ?? [])], [0, 13, 10, 255]);
    assert.equal(boundaryOf('multipart/mixed; boundary="a b"'), 'a b');
    assert.equal(boundaryOf('multipart/mixed;boundary=xyz;charset=utf-8'), 'xyz');
    assert.equal(parseMultipart(Buffer.from('--abc\r\nContent-Type: x\r\n\r\nno end'), 'abc'), undefined);
  });

  test('prepare: id, stored, authority, version, timestamp set; contextActivities as arrays', () => {
    const s = prepareStatement({ actor: { mbox: 'mailto:a@b.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' }, context: { contextActivities: { parent: { id: 'http://x.org/p' } } } }, { id: 'i', stored: new Date('2026-01-01T00:00:00Z'), authority: { mbox: 'mailto:lrs@x.org' }, version: '1.0.0' });
    assert.equal(s.id, 'i');
    assert.equal(s.timestamp, '2026-01-01T00:00:00.000Z');
    assert.deepEqual((s.context as { contextActivities: unknown }).contextActivities, { parent: [{ id: 'http://x.org/p' }] });
    const idx = indexStatement(s);
    assert.deepEqual(idx.agents, { direct: ['mbox::mailto:a@b.org'], related: ['mbox::mailto:a@b.org', 'mbox::mailto:lrs@x.org'] });
    assert.deepEqual(idx.activities, { direct: ['http://x.org/a'], related: ['http://x.org/a', 'http://x.org/p'] });
    assert.ok(sameStatement(s, { verb: { id: 'http://x.org/v' }, id: 'i', actor: { mbox: 'mailto:a@b.org' }, object: { id: 'http://x.org/a' }, context: { contextActivities: { parent: [{ id: 'http://x.org/p' }] } } }));
    assert.ok(!sameStatement(s, { id: 'i', actor: { mbox: 'mailto:a@b.org' }, verb: { id: 'http://x.org/w' }, object: { id: 'http://x.org/a' } }));
  });

  test('format ids keeps anonymous group members reduced; canonical follows Accept-Language', () => {
    const s = { actor: { objectType: 'Group', name: 'team', member: [{ name: 'A', mbox: 'mailto:a@b.org' }] }, verb: { id: 'http://x.org/v', display: { en: 'v' } }, object: { id: 'http://x.org/a', definition: { name: { en: 'x' } } } };
    assert.deepEqual(formatStatement(s, 'ids', []), { actor: { objectType: 'Group', member: [{ mbox: 'mailto:a@b.org' }] }, verb: { id: 'http://x.org/v' }, object: { objectType: 'Activity', id: 'http://x.org/a' } });
    assert.deepEqual(acceptLanguages('fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5'), ['fr-CH', 'fr', 'en']);
    assert.deepEqual(pickLanguage({ 'en-US': 'a', 'fr-FR': 'b', de: 'c' }, ['fr']), { 'fr-FR': 'b' });
    assert.deepEqual(pickLanguage({ 'de-DE': 'a', 'en-GB': 'b' }, ['it']), { 'en-GB': 'b' });
  });

  test('query parsing: ids, filters, more', () => {
    const single = parseStatementGet({ statementId: '10000000-0000-4000-8000-00000000000A', format: 'ids' }, '2.0.0');
    assert.deepEqual(single, { ok: { kind: 'single', id: '10000000-0000-4000-8000-00000000000a', voided: false, format: 'ids', attachments: false } });
    assert.deepEqual(parseStatementGet({ more: 'x', limit: '1' }, '1.0.3'), { errors: [{ path: '/query/limit', message: 'cannot be combined with more' }] });
    const q = parseStatementGet({ agent: '{"account":{"homePage":"http://x.org","name":"n"}}', related_agents: 'true', limit: '5' }, '1.0.3');
    assert.ok('ok' in q && q.ok.kind === 'query' && q.ok.query.filter.agent === 'account::http://x.org::n' && q.ok.query.limit === 5);
    assert.ok('errors' in parseStatementGet({ agent: '{"objectType":"Group","member":[{"mbox":"mailto:a@b.org"}]}' }, '2.0.0'));
  });
});
