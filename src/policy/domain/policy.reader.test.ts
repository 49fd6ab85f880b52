import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy, validatePolicy } from '../app/policy-engine.js';
import { ODRL_NS } from './odrl.vocabulary.js';

const O = (n: string) => `${ODRL_NS}${n}`;
const errorsOf = async (doc: Record<string, unknown> | string) => {
  const r = await validatePolicy(doc);
  assert.ok(r.ok, 'readable');
  return r.value.errors;
};

describe('reading policies', () => {
  it('expands a compact policy to atomic rules: policy-level parties and target go to every rule', async () => {
    const r = await parsePolicy({
      '@context': 'http://www.w3.org/ns/odrl.jsonld',
      '@type': 'Agreement',
      uid: 'urn:p',
      assigner: 'urn:party:a',
      assignee: 'urn:party:b',
      target: 'urn:asset:1',
      permission: [{ '@id': 'urn:rule:1', action: ['read', 'print'], target: ['urn:asset:2', 'urn:asset:3'] }],
      prohibition: [{ '@id': 'urn:rule:2', action: 'distribute' }],
    });
    assert.ok(r.ok);
    const { permissions, prohibitions } = r.value.policy;
    assert.equal(permissions.length, 4, 'two actions x two targets');
    assert.deepEqual(
      permissions.map((p) => [p.id, p.action.action, p.target?.id, p.split]),
      [
        ['urn:rule:1', O('read'), 'urn:asset:2', { index: 1, of: 4 }],
        ['urn:rule:1', O('read'), 'urn:asset:3', { index: 2, of: 4 }],
        ['urn:rule:1', O('print'), 'urn:asset:2', { index: 3, of: 4 }],
        ['urn:rule:1', O('print'), 'urn:asset:3', { index: 4, of: 4 }],
      ],
    );
    assert.ok(permissions.every((p) => p.assigner?.id === 'urn:party:a' && p.assignee?.id === 'urn:party:b'));
    assert.deepEqual([prohibitions[0]!.target?.id, prohibitions[0]!.assignee?.id, prohibitions[0]!.split], ['urn:asset:1', 'urn:party:b', undefined]);
  });

  it('reads plain ODRL JSON without @context, and DSP policies with the DSP ODRL profile context', async () => {
    const plain = await parsePolicy({ '@type': 'Offer', '@id': 'urn:offer:1', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] }] });
    assert.ok(plain.ok);
    assert.equal(plain.value.policy.permissions[0]!.constraints[0]!.kind, 'atomic');
    const dsp = await parsePolicy({ '@context': 'https://w3id.org/dspace/2025/1/odrl-profile.jsonld', '@type': 'Agreement', '@id': 'urn:agreement:1', assigner: 'did:web:p', assignee: 'did:web:c', target: 'urn:ds:1', permission: [{ action: 'use', constraint: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2023-12-31T06:00Z' }] }] });
    assert.ok(dsp.ok, JSON.stringify(!dsp.ok && dsp.error.errors));
    assert.equal(dsp.value.policy.permissions[0]!.assignee?.id, 'did:web:c');
  });

  it('reads the W3C context\'s misspelt neq (odrl:neg) and industry (odrl:industry:) as the vocabulary terms', async () => {
    const r = await parsePolicy({ '@type': 'Set', uid: 'urn:p', permission: [{ action: 'use', constraint: [{ leftOperand: 'industry', operator: 'neq', rightOperand: 'advertising' }] }] });
    assert.ok(r.ok);
    const c = r.value.policy.permissions[0]!.constraints[0]!;
    assert.ok(c.kind === 'atomic');
    assert.deepEqual([c.leftOperand, c.operator], [O('industry'), 'neq']);
  });

  it('warns (does not refuse) about profile terms no context defines, missing uids and parties', async () => {
    const r = await parsePolicy({ '@type': 'Agreement', permission: [{ action: 'use', constraint: [{ leftOperand: 'partner', operator: 'eq', rightOperand: 'gold' }] }] });
    assert.ok(r.ok);
    const messages = r.value.warnings.map((w) => `${w.path} ${w.message}`).join('\n');
    assert.match(messages, /\/permission\/0\/constraint\/0\/leftOperand .*"partner" is not an IRI/);
    assert.match(messages, /uid/);
    assert.match(messages, /should have an assigner/);
  });
});

describe('validation errors name the rule and point into the document', () => {
  it('unknown operator, unknown ODRL left operand, unreadable right operand', async () => {
    const errors = await errorsOf({
      '@type': 'Set',
      uid: 'urn:p',
      permission: [
        { '@id': 'urn:rule:1', action: 'use', constraint: [{ '@id': 'urn:c:1', leftOperand: 'dateTime', operator: 'before', rightOperand: 'soon' }] },
        { '@id': 'urn:rule:2', action: 'use', constraint: { leftOperand: 'odrl:colour', operator: 'eq', rightOperand: 'blue' } },
      ],
    });
    const paths = errors.map((e) => e.path);
    assert.ok(paths.includes('/permission/0/constraint/0/operator'), paths.join());
    assert.ok(paths.includes('/permission/0/constraint/0/rightOperand'), paths.join());
    assert.ok(paths.includes('/permission/1/constraint/leftOperand'), paths.join());
    assert.ok(errors.find((e) => e.path === '/permission/0/constraint/0/operator')!.message.includes('<urn:c:1>'));
    assert.equal(errors.find((e) => e.path.endsWith('rightOperand'))!.node, 'urn:c:1');
  });

  it('duties only on permissions, remedies only on prohibitions; rules need an action', async () => {
    const errors = await errorsOf({
      '@type': 'Set',
      uid: 'urn:p',
      permission: [{ '@id': 'urn:rule:1', target: 'urn:a', remedy: [{ action: 'delete' }] }],
      prohibition: [{ '@id': 'urn:rule:2', action: 'print', duty: [{ action: 'pay' }] }],
    });
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    assert.match(byPath['/permission/0/remedy']!, /only prohibitions have remedies/);
    assert.match(byPath['/prohibition/0/duty']!, /only permissions have duties/);
    assert.match(byPath['/permission/0/action']!, /<urn:rule:1>: a permission needs an action/);
  });

  it('logical constraints: one operator, members required; comparisons take one right operand', async () => {
    const errors = await errorsOf({
      '@type': 'Set',
      uid: 'urn:p',
      permission: [{ action: 'use', constraint: [
        { and: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'a' }], or: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'a' }] },
        { leftOperand: 'purpose', operator: 'eq', rightOperand: ['a', 'b'] },
        { '@id': 'urn:c:empty', xone: { '@list': [] } },
      ] }],
    });
    assert.match(errors.find((e) => e.path === '/permission/0/constraint/0')!.message, /exactly one of and, or, xone, andSequence \(found and, or\)/);
    assert.match(errors.find((e) => e.node === 'urn:c:empty')!.message, /xone needs at least one constraint/);
    const many = errors.find((e) => e.path === '/permission/0/constraint/1/rightOperand');
    assert.match(many!.message, /use isAnyOf/);
  });

  it('no policy, several policies, no rules, bad conflict value', async () => {
    assert.match((await errorsOf({ '@context': { ex: 'http://example.org/' }, 'ex:x': 1 }))[0]!.message, /no ODRL policy found/);
    assert.match((await errorsOf({ '@graph': [{ '@type': 'Set', permission: [{ action: 'use' }] }, { '@type': 'Set', permission: [{ action: 'use' }] }] }))[0]!.message, /holds 2 policies/);
    assert.match((await errorsOf({ '@type': 'Set', uid: 'urn:p' }))[0]!.message, /at least one permission/);
    assert.match((await errorsOf({ '@type': 'Set', uid: 'urn:p', conflict: 'maybe', permission: [{ action: 'use' }] }))[0]!.message, /conflict must be one of/);
  });

  it('refuses what cannot be read, without fetching anything', async () => {
    const remote = await validatePolicy({ '@context': 'https://example.org/my-context.jsonld', '@type': 'Set' });
    assert.ok(!remote.ok);
    assert.equal(remote.error.code, 'DS_POLICY_UNREADABLE');
    assert.match(remote.error.message, /not one this node resolves \(nothing is fetched\)/);
    const turtle = await validatePolicy('@prefix odrl: <http://www.w3.org/ns/odrl/2/> . <urn:p> a odrl:Set ; odrl:permission [ odrl:action');
    assert.ok(!turtle.ok);
    assert.match(turtle.error.message, /not valid Turtle/);
  });

  it('keys named like Object.prototype members are plain data, not crashes', async () => {
    const errors = await errorsOf({ '@type': 'Set', uid: 'urn:p', permission: [{ action: 'constructor', target: 'toString' }] });
    assert.match(errors[0]!.message, /"constructor" is neither an ODRL action nor an IRI/);
    const iri = await errorsOf({ '@type': 'Set', uid: 'urn:p', permission: [{ action: 'odrl:constructor' }] });
    assert.match(iri[0]!.message, /unknown ODRL action <http:\/\/www.w3.org\/ns\/odrl\/2\/constructor>/);
  });
});

describe('Turtle and JSON-LD read to the same policy', () => {
  const turtle = `@prefix odrl: <http://www.w3.org/ns/odrl/2/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:p> a odrl:Agreement ; odrl:assigner <urn:a> ; odrl:assignee <urn:b> ;
  odrl:permission <urn:rule:1> .
<urn:rule:1> odrl:action odrl:use ; odrl:target <urn:asset:1> ;
  odrl:constraint [ odrl:or ( <urn:c:1> <urn:c:2> ) ] .
<urn:c:1> odrl:leftOperand odrl:purpose ; odrl:operator odrl:isAnyOf ; odrl:rightOperand "research", "education" .
<urn:c:2> odrl:leftOperand odrl:dateTime ; odrl:operator odrl:lt ; odrl:rightOperand "2027-01-01"^^xsd:date .`;
  const json = {
    '@type': 'Agreement', uid: 'urn:p', assigner: 'urn:a', assignee: 'urn:b',
    permission: [{ '@id': 'urn:rule:1', action: 'use', target: 'urn:asset:1', constraint: [{ or: { '@list': [
      { '@id': 'urn:c:1', leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['research', 'education'] },
      { '@id': 'urn:c:2', leftOperand: 'dateTime', operator: 'lt', rightOperand: { '@value': '2027-01-01', '@type': 'xsd:date' } },
    ] } }] }],
  };
  it('same rules, constraints and operands (paths and blank-node labels aside)', async () => {
    const a = await parsePolicy(turtle);
    const b = await parsePolicy(json);
    assert.ok(a.ok && b.ok);
    const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'path' ? undefined : typeof x === 'string' && x.startsWith('_:') ? '_:blank' : x)));
    assert.deepEqual(strip(a.value.policy), strip(b.value.policy));
  });
});
