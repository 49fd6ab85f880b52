import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SequentialIds } from '../../kernel/index.js';
import { toLanguageMap } from './language-map.js';
import { mergePatch } from './merge-patch.js';
import { parseOfferingInput } from './offering.js';
import { parseResourceInput } from './resource-input.parser.js';
import { checkReadOnlyQuery } from './sql-source.check.js';

const ids = new SequentialIds();
const parse = (body: unknown, kind: 'dataset' | 'software-service' = 'dataset') => parseResourceInput(kind, body, () => ids.uuid());
const errorsOf = (body: unknown, kind: 'dataset' | 'software-service' = 'dataset') => {
  const r = parse(body, kind);
  return r.ok ? [] : r.error.map((e) => e.path);
};

describe('language maps', () => {
  it('stores a plain string under "und" and canonicalises tags', () => {
    const errors: never[] = [];
    assert.deepEqual(toLanguageMap('Skills', '/t', errors, { required: true }), { und: 'Skills' });
    assert.deepEqual(toLanguageMap({ EN: 'a', 'fr-be': 'b' }, '/t', errors, { required: true }), { en: 'a', 'fr-BE': 'b' });
  });
  it('names bad tags, empty values and missing titles', () => {
    assert.deepEqual(errorsOf({ title: { english: 'x', fr: '' } }), ['/title/english', '/title/fr']);
    assert.deepEqual(errorsOf({}), ['/title']);
    assert.deepEqual(errorsOf({ title: 3 }), ['/title']);
  });
});

describe('read-only SQL check', () => {
  for (const ok of ['select * from t', 'SELECT 1;', "select 'a;b' from t", 'with x as (select 1) select * from x', '-- note\nselect 1'])
    it(`accepts ${JSON.stringify(ok)}`, () => assert.equal(checkReadOnlyQuery(ok), undefined));
  for (const bad of ['delete from t', 'select 1; drop table t', 'update t set a = 1', 'with x as (delete from t returning *) select * from x', ''])
    it(`refuses ${JSON.stringify(bad)}`, () => assert.ok(checkReadOnlyQuery(bad)));
});

describe('resource input', () => {
  it('normalises a full dataset', () => {
    const r = parse({ title: 'T', keywords: { en: ['skills'], fr: ['compétences', 'skills'] }, themes: ['educ', 'https://x/t'], languages: ['FR'], spatial: ['be'], distributions: [{ format: 'HttpData-PULL', source: { type: 'rest', url: 'https://d.example/x' } }] });
    assert.ok(r.ok);
    assert.deepEqual(r.value.keywords, ['skills', 'compétences']);
    assert.deepEqual(r.value.themes, ['EDUC', 'https://x/t']);
    assert.deepEqual(r.value.languages, ['fr']);
    assert.deepEqual(r.value.spatial, ['BE']);
    assert.match(r.value.distributions[0]!.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.value.containsPersonalData, false);
  });
  it('names every offending field', () => {
    assert.deepEqual(
      errorsOf({ title: 'T', languages: ['french'], license: 'not a licence', containsPersonalData: 'yes', temporal: { startDate: '2025-13-01' }, distributions: [{ source: { type: 'rest', url: 'ftp://x', headers: { Authorization: 'secret' } } }], extra: 1 }),
      ['/extra', '/languages/0', '/license', '/temporal/startDate', '/containsPersonalData', '/distributions/0/format', '/distributions/0/source/url', '/distributions/0/source/headers/Authorization'],
    );
    assert.deepEqual(errorsOf({ title: 'S', endpointUrl: 'nope', distributions: [] }, 'software-service'), ['/distributions', '/endpointUrl']);
  });
  it('keeps REST credentials out of the catalog: a named connection instead, and API sources', () => {
    const r = parse({ title: 'T', distributions: [{ format: 'HttpData-PULL', source: { type: 'rest', url: 'https://lms.example/api', connection: 'lms', api: true, headers: { Accept: 'application/json' } } }, { format: 'HttpData-PULL', source: { type: 'file', path: '/srv/exports' } }] });
    assert.ok(r.ok);
    assert.deepEqual(r.value.distributions[0]!.source, { type: 'rest', url: 'https://lms.example/api', headers: { Accept: 'application/json' }, connection: 'lms', api: true });
    const bad = { type: 'rest', url: 'https://lms.example/api', connection: 'no spaces', api: 'yes', headers: { 'X-API-Key': 'k', Cookie: 'c', 'X-Auth-Token': 't', 'Client-Secret': 's' } };
    assert.deepEqual(errorsOf({ title: 'T', distributions: [{ format: 'f', source: bad }] }), ['/distributions/0/source/headers/X-API-Key', '/distributions/0/source/headers/Cookie', '/distributions/0/source/headers/X-Auth-Token', '/distributions/0/source/headers/Client-Secret', '/distributions/0/source/connection', '/distributions/0/source/api']);
    const refused = parse({ title: 'T', distributions: [{ format: 'f', source: { type: 'rest', url: 'https://x.example', headers: { authorization: 'Bearer s' } } }] });
    assert.ok(!refused.ok && /connection/.test(refused.error[0]?.message ?? ''));
  });
});

describe('offering input', () => {
  const policy = { '@type': 'Offer', permission: [{ action: 'use' }] };
  it('validates ids, pricing and prefixes policy errors', () => {
    const r = parseOfferingInput({ datasets: ['x'], policy: { '@type': 'Offer', permission: [{}] }, pricing: { amount: -1, currency: 'eur' } });
    assert.ok(!r.ok);
    assert.deepEqual(r.error.map((e) => e.path), ['/datasets/0', '/policy/permission/0/action', '/pricing/amount', '/pricing/currency']);
    assert.deepEqual(parseOfferingInput({ policy }).ok ? [] : (parseOfferingInput({ policy }) as { error: Array<{ path: string }> }).error.map((e) => e.path), ['/datasets']);
  });
  it('refuses unknown left operands without a profile, accepts them with one', () => {
    const c = { permission: [{ action: 'use', constraint: [{ leftOperand: 'partner', operator: 'eq', rightOperand: 'gold' }] }] };
    const id = '00000000-0000-4000-8000-000000000001';
    assert.equal(parseOfferingInput({ datasets: [id], policy: { '@type': 'Offer', ...c } }).ok, false);
    assert.equal(parseOfferingInput({ datasets: [id], policy: { '@type': 'Offer', profile: 'https://p.example', ...c } }).ok, true);
  });
});

it('applies JSON merge patches (RFC 7396)', () => {
  assert.deepEqual(mergePatch({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: null, e: 3 }, d: [2] }), { a: { c: 2, e: 3 }, d: [2] });
});
