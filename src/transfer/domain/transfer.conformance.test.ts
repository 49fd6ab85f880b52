import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DIR, ID, readJson, specAjv, type SpecAjv } from '../../../test/support/dsp-spec.js';
import { specSkip } from '../../../test/support/spec.js';
import type { FieldError } from '../../kernel/index.js';
import * as v from './transfer.messages.js';
import { codeMessage, completionMessage, requestMessage, startMessage, transferProcess } from './transfer.wire.js';

interface IndexEntry {
  file: string;
  schema: string;
}

/** Our validator for each spec schema of the transfer folder. */
const OURS: Record<string, (x: unknown) => FieldError[]> = {
  'transfer/data-address-schema.json': v.validateDataAddress,
  'transfer/transfer-completion-message-schema.json': v.validateTransferCompletionMessage,
  'transfer/transfer-error-schema.json': v.validateTransferError,
  'transfer/transfer-process-schema.json': v.validateTransferProcess,
  'transfer/transfer-request-message-schema.json': v.validateTransferRequestMessage,
  'transfer/transfer-start-message-schema.json': v.validateTransferStartMessage,
  'transfer/transfer-suspension-message-schema.json': v.validateTransferSuspensionMessage,
  'transfer/transfer-termination-message-schema.json': v.validateTransferTerminationMessage,
};
// transfer-schema.json is the abstract code message (no @type): any of our code messages must fail it as the spec's does.
const ABSTRACT = 'transfer/transfer-schema.json';

describe('DSP 2025-1 transfer process conformance', { skip: specSkip }, () => {
  let ajv: SpecAjv;
  const spec = (schema: string, value: unknown) => {
    const check = ajv.getSchema(ID(schema));
    assert.ok(check, `schema ${schema} registered`);
    return { ok: check(value) as boolean, errors: JSON.stringify(check.errors) };
  };
  before(() => {
    ajv = specAjv(['common', 'transfer']);
  });

  it('accepts every transfer example of the spec, each with the validator of its schema', () => {
    const files = readdirSync(join(DIR, 'transfer', 'example'));
    assert.equal(files.length, 7);
    for (const f of files) {
      const schema = `transfer/${f.replace(/\.json$/, '')}-schema.json`;
      assert.ok(OURS[schema], `${f} -> ${schema}`);
      assert.deepEqual(OURS[schema]!(readJson(`transfer/example/${f}`)), [], f);
      assert.ok(spec(schema, readJson(`transfer/example/${f}`)).ok, `the spec accepts ${f}`);
    }
  });

  it('accepts the valid/ transfer messages', () => {
    const valid = (readJson('valid/index.json') as { messages: IndexEntry[] }).messages.filter((m) => m.schema.startsWith('transfer/'));
    assert.equal(valid.length, 8);
    for (const e of valid) assert.deepEqual(OURS[e.schema]!(readJson(`valid/${e.file}`)), [], e.file);
  });

  it('refuses every invalid/ transfer message, as the spec schemas do', () => {
    const invalid = (readJson('invalid/index.json') as { messages: IndexEntry[] }).messages.filter((m) => m.schema.startsWith('transfer/'));
    assert.equal(invalid.length, 34);
    let ours = 0;
    for (const e of invalid) {
      const doc = readJson(`invalid/${e.file}`);
      assert.equal(spec(e.schema, doc).ok, false, `spec accepts ${e.file}`);
      // The abstract schema has no validator of ours: those documents (no @type) must fail every message validator.
      const validators = e.schema === ABSTRACT ? Object.values(OURS).filter((f) => f !== v.validateDataAddress) : [OURS[e.schema]!];
      for (const check of validators) assert.ok(check(doc).length > 0, `ours accepts ${e.file}`);
      ours++;
    }
    assert.equal(ours, 34);
  });

  it('emits messages that the spec schemas accept', () => {
    const pids = { providerPid: 'urn:uuid:a343fcbf-99fc-4ce8-8e9b-148c97605aab', consumerPid: 'urn:uuid:32541fe6-c580-409e-85a8-8a9a32fbe833' };
    const address = { '@type': 'DataAddress' as const, endpointType: 'https://w3id.org/idsa/v4.1/HTTP', endpoint: 'https://p.example/dataplane/pull/x', endpointProperties: [{ '@type': 'EndpointProperty' as const, name: 'authorization', value: 'jwt' }, { '@type': 'EndpointProperty' as const, name: 'authType', value: 'bearer' }] };
    const cases: Array<[string, unknown]> = [
      ['transfer-request-message', requestMessage({ consumerPid: pids.consumerPid, agreementId: 'urn:uuid:a', format: 'HttpData-PULL', callbackAddress: 'https://c.example/dsp' })],
      ['transfer-request-message', requestMessage({ consumerPid: pids.consumerPid, agreementId: 'urn:uuid:a', format: 'HttpData-PUSH', callbackAddress: 'https://c.example/dsp', dataAddress: address })],
      ['transfer-start-message', startMessage(pids, address)],
      ['transfer-start-message', startMessage(pids)],
      ['transfer-completion-message', completionMessage(pids)],
      ['transfer-suspension-message', codeMessage('suspension', pids, 'dases:suspended-by-operator', 'maintenance')],
      ['transfer-termination-message', codeMessage('termination', pids, 'dases:policy-lapsed', 'the contract was revoked')],
      ['transfer-termination-message', codeMessage('termination', pids, undefined, undefined)],
      ['transfer-process', transferProcess(pids, 'STARTED')],
    ];
    for (const [name, msg] of cases) {
      const schema = `transfer/${name}-schema.json`;
      const r = spec(schema, msg);
      assert.ok(r.ok, `${name}: ${r.errors}`);
      assert.deepEqual(OURS[schema]!(msg), [], name);
    }
  });

  it('names the offending field in its errors', () => {
    const msg = readJson('transfer/example/transfer-request-message.json') as Record<string, Record<string, unknown>>;
    const errors = v.validateTransferRequestMessage({ ...msg, callbackAddress: undefined, dataAddress: { ...msg.dataAddress, endpointType: undefined } }, '/body');
    assert.ok(errors.some((e) => e.path === '/body/callbackAddress'), JSON.stringify(errors));
    assert.ok(errors.some((e) => e.path === '/body/dataAddress/endpointType'), JSON.stringify(errors));
  });
});
