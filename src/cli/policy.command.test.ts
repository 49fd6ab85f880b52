import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Parser } from 'n3';
import { SPEC_DIR, specSkip } from '../../test/support/spec.js';

/**
 * `dases policy …` in a real process: a program made of registerPolicyCommands alone (main.ts wires the same
 * function), so stdout, stderr and the exit code are what a user sees.
 */
const COMMAND = pathToFileURL(join(import.meta.dirname, 'policy.command.ts')).href;
const SCRIPT = `import { Command } from 'commander'; import { registerPolicyCommands } from '${COMMAND}';
const program = new Command('dases'); registerPolicyCommands(program); await program.parseAsync(process.argv.slice(1), { from: 'user' });`;

function dases(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

const dir = mkdtempSync(join(tmpdir(), 'dases-policy-cli-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const policy = file(
  'policy.ttl',
  `@prefix odrl: <http://www.w3.org/ns/odrl/2/> .
<urn:p> a odrl:Set ; odrl:permission <urn:rule:1> .
<urn:rule:1> odrl:action odrl:use ; odrl:target <urn:asset:1> ; odrl:assignee <urn:role:staff> .`,
);
// A .json file holding JSON-LD; the party is a member of the assignee collection per the state.
const request = file('request.json', JSON.stringify({ '@type': 'EvaluationRequest', '@id': 'urn:req:1', evaluatedAction: 'odrl:read', evaluatedParty: 'urn:person:ana', evaluatedTarget: 'urn:asset:1' }));
// No @context: a state is read with the ODRL and state-of-the-world contexts.
const state = file('state.jsonld', JSON.stringify({ '@id': 'urn:person:ana', partOf: 'urn:role:staff' }));

after(() => rmSync(dir, { recursive: true, force: true }));

describe('dases policy', () => {
  it('evaluate: stdout is the JSON-LD report and nothing else, exit 0', async () => {
    const r = await dases(['policy', 'evaluate', '--policy', policy, '--request', request, '--state', state]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report['dases:decision'], { '@id': 'dases:Permit' }, r.stdout);
    assert.deepEqual(report['report:ruleReport'][0]['report:rule'], { '@id': 'urn:rule:1' });
  });

  it('evaluate --format turtle: a Turtle report; without the state the party is not a member: deny, still exit 0', async () => {
    const r = await dases(['policy', 'evaluate', '--policy', policy, '--request', request, '--format', 'turtle']);
    assert.equal(r.code, 0, r.stderr);
    const quads = new Parser().parse(r.stdout);
    assert.ok(quads.some((q) => q.predicate.value === 'https://w3id.org/dases/ns#decision' && q.object.value === 'https://w3id.org/dases/ns#Deny'));
  });

  it('bad input: the problem on stderr with the field path, nothing on stdout, exit 1', async () => {
    const broken = file('broken.json', JSON.stringify({ '@type': 'Set', uid: 'urn:p', permission: [{ action: 'use', constraint: [{ leftOperand: 'count', operator: 'lteq', rightOperand: 'many' }] }] }));
    const r = await dases(['policy', 'evaluate', '--policy', broken, '--request', request]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /DS_POLICY_MALFORMED/);
    assert.match(r.stderr, /\/policy\/permission\/0\/constraint\/0\/rightOperand: .*"many" is not a number/);
    const missing = await dases(['policy', 'evaluate', '--policy', join(dir, 'nope.json'), '--request', request]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read/);
  });

  it('validate: the verdict as JSON, exit 1 when invalid', async () => {
    const ok = await dases(['policy', 'validate', '--policy', policy]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).valid, true);
    const bad = await dases(['policy', 'validate', '--policy', file('bad.json', JSON.stringify({ '@type': 'Set', uid: 'urn:p', permission: [{ action: 'use', duty: [{ action: 'pay' }], remedy: [{ action: 'delete' }] }] }))]);
    assert.equal(bad.code, 1);
    assert.equal(JSON.parse(bad.stdout).errors[0].path, '/permission/0/remedy');
  });

  it('evaluates a W3C example with its Turtle state of the world', { skip: specSkip }, async () => {
    const ex = join(SPEC_DIR, 'odrl', 'formal-semantics', 'examples', 'C2');
    const r = await dases(['policy', 'evaluate', '--policy', join(ex, 'policyC2.json'), '--request', join(ex, 'C23', 'evaluationrequestC23.json'), '--state', join(ex, 'C23', 'stateC23.ttl')]);
    assert.equal(r.code, 0, r.stderr);
    const duty = JSON.parse(r.stdout)['report:ruleReport'][0]['report:conditionReport'][0];
    assert.deepEqual([duty['report:activationState'], duty['report:deonticState']], [{ '@id': 'report:Active' }, { '@id': 'report:Fulfilled' }]);
  });
});
