import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ADMIN, impactStudyRulebook, startRulebookNode, trustEachOther, type RulebookNode } from '../rulebook/testing/rulebook-nodes.js';
import { registerRulebookCommands, templateSpec } from './rulebook.command.js';

/** `dases templates …` and `dases ecosystems …` against running nodes, through the node client (HTTP). */
describe('dases templates and ecosystems commands', () => {
  let lab: RulebookNode;
  let tool: RulebookNode;
  let dir: string;

  async function dases(node: RulebookNode, ...args: string[]): Promise<{ ok: boolean; out: string; err: string; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    let out = '';
    let err = '';
    let failed = false;
    const program = new Command('dases').exitOverride();
    registerRulebookCommands(program, { out: (t) => void (out += t), err: (t) => void (err += t), fail: () => void (failed = true) });
    await program.parseAsync([...args, '--node', node.url, '--api-key', ADMIN, '--data', dir], { from: 'user' });
    const text = failed ? err : out;
    return { ok: !failed, out, err, json: text.trim() ? JSON.parse(text) : undefined };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-rulebook-cli-'));
    [lab, tool] = await startAll([startRulebookNode('lab', 'pglite', ['orchestrator']), startRulebookNode('tool', 'pglite', ['data-provider'])]);
    await trustEachOther([lab, tool]);
  });
  after(async () => {
    await lab?.close();
    await tool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, shows and instantiates templates', async () => {
    const list = await dases(lab, 'templates', 'list');
    assert.ok(list.ok, list.err);
    assert.equal(list.json.items.length, 12);
    assert.equal((await dases(lab, 'templates', 'show', 'max-uses')).json.parameters.properties.count.type, 'integer');
    const policy = await dases(lab, 'templates', 'instantiate', 'open-access', 'purpose-restriction={"purposes":["guidance"]}', '--uid', 'urn:x:p1');
    assert.ok(policy.ok, policy.err);
    assert.deepEqual([policy.json['@id'], policy.json['@type'], policy.json.permission[0].constraint[0].leftOperand], ['urn:x:p1', 'Set', 'purpose']);
    const file = join(dir, 'request.json');
    writeFileSync(file, JSON.stringify({ type: 'Offer', assigner: lab.did, templates: [{ name: 'no-redistribution' }] }));
    assert.equal((await dases(lab, 'templates', 'instantiate', '--file', file)).json.conflict, 'prohibit');
    const bad = await dases(lab, 'templates', 'instantiate', 'max-uses={"count":0}');
    assert.equal(bad.ok, false);
    assert.deepEqual([bad.json.code, bad.json.errors[0].path], ['DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/count']);
    assert.throws(() => templateSpec('max-uses={count:1}'), /not JSON/);
  });

  it('creates an ecosystem, invites, and accepts the invitation on the other node', async () => {
    const file = join(dir, 'rulebook.json');
    writeFileSync(file, JSON.stringify(impactStudyRulebook('invitation-only')));
    const created = await dases(lab, 'ecosystems', 'create', '--title', 'Impact study', '--rulebook', file);
    assert.ok(created.ok, created.err);
    const id = created.json.id as string;
    assert.deepEqual((await dases(lab, 'ecosystems', 'list')).json.items.map((e: { id: string }) => e.id), [id]);
    const refused = await dases(lab, 'ecosystems', 'invite', id, tool.did, '--role', 'teacher');
    assert.deepEqual([refused.ok, refused.json.code], [false, 'DS_RULEBOOK_INELIGIBLE']);
    assert.ok((await dases(lab, 'ecosystems', 'invite', id, tool.did, '--role', 'data-provider')).ok);
    const received = await pollUntil(async () => (await dases(tool, 'ecosystems', 'received')).json.items[0], { what: 'the invitation' });
    assert.equal((await dases(tool, 'ecosystems', 'accept-invitation', received.invitationId)).json.status, 'accepting');
    await pollUntil(async () => (await dases(tool, 'ecosystems', 'membership', id)).json.status === 'active', { what: 'the admission' });
    assert.deepEqual((await dases(lab, 'ecosystems', 'show', id)).json.members.map((m: { role: string }) => m.role), ['orchestrator', 'data-provider']);
    assert.ok((await dases(lab, 'ecosystems', 'publish', id, '--rulebook', file, '--title', 'Impact study, v2')).ok);
    await pollUntil(async () => (await dases(tool, 'ecosystems', 'memberships')).json.items[0]?.latestVersion === 2, { what: 'version 2' });
    assert.equal((await dases(tool, 'ecosystems', 'accept', id)).json.signedVersion, 2);
    assert.equal((await dases(tool, 'ecosystems', 'leave', id, '--reason', 'done')).json.status, 'left');
  });
});
