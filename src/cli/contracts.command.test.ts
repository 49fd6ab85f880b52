import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fileOf, noticeFor, partyKey, type PartyKey } from '../contracts/testing/party-keys.js';
import { ecosystem } from '../contracts/testing/fixtures.js';
import { verifyFileCommand } from './contracts.command.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('dases contracts verify', () => {
  let dir: string;
  let keys: PartyKey[];
  const doc = ecosystem();
  const write = (name: string, value: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    return f;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-contract-verify-'));
    keys = await Promise.all(doc.members.map((m) => partyKey(m.did)));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a file signed by every party (exit 0) and says how each key was bound', async () => {
    const f = write('ok.json', await fileOf(doc, keys));
    const { code, output } = await verifyFileCommand(f, {});
    assert.equal(code, 0, output);
    assert.match(output, /VALID: every required party signed this exact version/);
    assert.equal((output.match(/^ {4}signed {7}did:web:/gm) ?? []).length, 3);
    assert.match(output, /self-asserted/);
    const docs = keys.map((k, i) => write(`did-${i}.json`, k.didDocument));
    const bound = await verifyFileCommand(f, { didDocument: docs, json: true });
    assert.equal(bound.code, 0);
    assert.deepEqual((JSON.parse(bound.output) as { parties: Array<{ binding: string }> }).parties.map((p) => p.binding), ['did-document', 'did-document', 'did-document']);
  });

  it('refuses a tampered file (exit 1) and names what is wrong', async () => {
    const file = await fileOf(doc, keys);
    const tampered = write('tampered.json', { ...file, document: { ...file.document, members: file.document.type === 'EcosystemContract' ? file.document.members.map((m) => ({ ...m, role: 'data-consumer' })) : [] } });
    const { code, output } = await verifyFileCommand(tampered, {});
    assert.equal(code, 1);
    assert.match(output, /INVALID$/m);
    assert.match(output, /problem: versionHash sha256:[0-9a-f]{64} is not the hash of the document/);
    assert.match(output, /problem: signatures\/0: it is about version/);

    const sigTampered = { ...file, signatures: file.signatures.map((s, i) => (i === 1 ? `${s.slice(0, -4)}AAAA` : s)) };
    const r2 = await verifyFileCommand(write('sig.json', sigTampered), {});
    assert.equal(r2.code, 1);
    assert.match(r2.output, /problem: signatures\/1: the signature does not verify/);
    assert.match(r2.output, /NOT SIGNED {3}did:web:b.example/);

    const r3 = await verifyFileCommand(write('garbage.json', 'not json'), {});
    assert.equal(r3.code, 1);
    assert.match(r3.output, /cannot read the input/);
  });

  it('reports a revoked contract as such', async () => {
    const f = write('revoked.json', await fileOf(doc, keys, [await noticeFor(keys[2]!, doc, 'revoke', 'consent withdrawn')]));
    const { code, output } = await verifyFileCommand(f, {});
    assert.equal(code, 0, 'authentic, though revoked');
    assert.match(output, /status: {3}revoked/);
    assert.match(output, /notice: revoke by did:web:c.example .*: consent withdrawn/);
  });

  it('runs as a command: exit status and report on stdout', async () => {
    const good = write('cmd-ok.json', await fileOf(doc, keys));
    const bad = write('cmd-bad.json', await fileOf(doc, keys.slice(0, 2)));
    const script = `
      import { Command } from 'commander';
      import { registerContractsCommands } from ${JSON.stringify(join(HERE, 'contracts.command.ts'))};
      const program = new Command('dases');
      registerContractsCommands(program);
      // With -e there is no script path in argv: everything after node is the user's.
      await program.parseAsync(process.argv.slice(1), { from: 'user' });
    `;
    const run = (file: string) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'contracts', 'verify', file], { encoding: 'utf8', cwd: join(HERE, '..', '..') });
    const ok = run(good);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^VALID/m);
    const ko = run(bad);
    assert.equal(ko.status, 1, ko.stderr);
    assert.match(ko.stdout, /did:web:c.example did not sign/);
  });
});
