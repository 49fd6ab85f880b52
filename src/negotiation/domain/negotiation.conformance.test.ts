import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DIR, ID, readJson, specAjv, type SpecAjv } from '../../../test/support/dsp-spec.js';
import { specSkip } from '../../../test/support/spec.js';
import type { FieldError } from '../../kernel/index.js';
import * as v from './negotiation.messages.js';
import { agreementMessage, eventMessage, negotiationAck, offerMessage, requestMessage, terminationMessage, verificationMessage } from './negotiation.wire.js';
import { asMessageOffer, buildAgreement } from './offer-terms.js';

interface IndexEntry {
  file: string;
  schema: string;
}

/** Our validator for each spec schema of the negotiation folder. */
const OURS: Record<string, (x: unknown) => FieldError[]> = {
  'negotiation/contract-agreement-message-schema.json': v.validateContractAgreementMessage,
  'negotiation/contract-agreement-verification-message-schema.json': v.validateContractAgreementVerificationMessage,
  'negotiation/contract-negotiation-error-schema.json': v.validateContractNegotiationError,
  'negotiation/contract-negotiation-event-message-schema.json': v.validateContractNegotiationEventMessage,
  'negotiation/contract-negotiation-schema.json': v.validateContractNegotiation,
  'negotiation/contract-negotiation-termination-message-schema.json': v.validateContractNegotiationTerminationMessage,
  'negotiation/contract-offer-message-schema.json': v.validateContractOfferMessage,
  'negotiation/contract-request-message-schema.json': v.validateContractRequestMessage,
  'negotiation/contract-schema.json': v.validatePolicy,
};
const schemaOfExample = (file: string) => `negotiation/${file.replace(/(-full|_initial)?\.json$/, '')}-schema.json`;

describe('DSP 2025-1 contract negotiation conformance', { skip: specSkip }, () => {
  let ajv: SpecAjv;
  const spec = (schema: string, value: unknown) => {
    const check = ajv.getSchema(ID(schema));
    assert.ok(check, `schema ${schema} registered`);
    return { ok: check(value) as boolean, errors: JSON.stringify(check.errors) };
  };
  before(() => {
    ajv = specAjv(['common', 'catalog', 'negotiation', 'transfer']);
  });

  it('accepts every negotiation example of the spec, each with the validator of its schema', () => {
    const files = readdirSync(join(DIR, 'negotiation', 'example'));
    assert.equal(files.length, 11);
    for (const f of files) {
      const schema = schemaOfExample(f);
      assert.ok(OURS[schema], `${f} -> ${schema}`);
      assert.deepEqual(OURS[schema]!(readJson(`negotiation/example/${f}`)), [], f);
    }
  });

  it('accepts the valid/ negotiation messages and policies', () => {
    const valid = (readJson('valid/index.json') as { messages: IndexEntry[] }).messages.filter((m) => m.schema.startsWith('negotiation/'));
    assert.equal(valid.length, 15);
    for (const e of valid) assert.deepEqual(OURS[e.schema]!(readJson(`valid/${e.file}`)), [], e.file);
  });

  it('refuses every invalid/ negotiation message and policy, as the spec schemas do', () => {
    const invalid = (readJson('invalid/index.json') as { messages: IndexEntry[] }).messages.filter((m) => m.schema.startsWith('negotiation/'));
    assert.equal(invalid.length, 48);
    for (const e of invalid) {
      const doc = readJson(`invalid/${e.file}`);
      assert.ok(OURS[e.schema]!(doc).length > 0, `ours accepts ${e.file}`);
      assert.equal(spec(e.schema, doc).ok, false, `spec accepts ${e.file}`);
    }
  });

  it('refuses request messages with each invalid @context, and both or neither of callbackAddress and providerPid', () => {
    const base = readJson('negotiation/example/contract-request-message_initial.json') as Record<string, unknown>;
    for (const e of (readJson('invalid/index.json') as { messages: IndexEntry[] }).messages.filter((m) => m.schema === 'common/context-schema.json')) {
      assert.ok(v.validateContractRequestMessage({ ...base, '@context': readJson(`invalid/${e.file}`) }).length > 0, e.file);
    }
    const both = { ...base, providerPid: 'urn:uuid:p' };
    const { callbackAddress: _c, ...neither } = base;
    for (const bad of [both, neither]) {
      assert.ok(v.validateContractRequestMessage(bad).length > 0);
      assert.equal(spec('negotiation/contract-request-message-schema.json', bad).ok, false, 'the spec agrees');
    }
  });

  it('emits messages that the spec schemas accept', () => {
    const pids = { providerPid: 'urn:uuid:a343fcbf-99fc-4ce8-8e9b-148c97605aab', consumerPid: 'urn:uuid:32541fe6-c580-409e-85a8-8a9a32fbe833' };
    const catalogOffer = { '@id': 'urn:uuid:20000000-0000-4000-8000-000000000001', '@type': 'Offer', profile: 'x', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'isA', rightOperand: 'research' }] }] };
    const offer = asMessageOffer(catalogOffer, 'urn:uuid:10000000-0000-4000-8000-000000000001');
    const agreement = buildAgreement({ id: 'urn:uuid:a', offer, target: String(offer.target), providerDid: 'did:web:p', consumerDid: 'did:web:c', timestamp: new Date(0).toISOString() });
    const cases: Array<[string, unknown]> = [
      ['contract-request-message', requestMessage({ consumerPid: pids.consumerPid, offer, callbackAddress: 'https://c.example/dsp', purpose: 'research' })],
      ['contract-request-message', requestMessage({ ...pids, offer })],
      ['contract-offer-message', offerMessage({ providerPid: pids.providerPid, offer, callbackAddress: 'https://p.example/dsp' })],
      ['contract-offer-message', offerMessage({ ...pids, offer })],
      ['contract-agreement-message', agreementMessage(pids, agreement, 'a.b.c')],
      ['contract-agreement-verification-message', verificationMessage(pids, 'a.b.c')],
      ['contract-negotiation-event-message', eventMessage(pids, 'ACCEPTED')],
      ['contract-negotiation-event-message', eventMessage(pids, 'FINALIZED')],
      ['contract-negotiation-termination-message', terminationMessage(pids, 'dases:operator', 'not needed')],
      ['contract-negotiation', negotiationAck(pids, 'REQUESTED')],
    ];
    for (const [name, msg] of cases) {
      const schema = `negotiation/${name}-schema.json`;
      const r = spec(schema, msg);
      assert.ok(r.ok, `${name}: ${r.errors}`);
      assert.deepEqual(OURS[schema]!(msg), [], name);
    }
    assert.ok(spec('negotiation/contract-schema.json', agreement).ok);
  });

  it('names the offending field in its errors', () => {
    const msg = readJson('negotiation/example/contract-agreement-message.json') as Record<string, Record<string, unknown>>;
    const errors = v.validateContractAgreementMessage({ ...msg, agreement: { ...msg.agreement, assignee: undefined, timestamp: 'yesterday' } }, '/body');
    assert.ok(errors.some((e) => e.path === '/body/agreement/assignee'), JSON.stringify(errors));
    assert.ok(errors.some((e) => e.path === '/body/agreement/timestamp'), JSON.stringify(errors));
  });
});
