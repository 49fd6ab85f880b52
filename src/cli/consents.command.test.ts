import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEvent, newRecord, receiptHash, type ConsentReceiptPayload } from '../consent/index.js';
import { testKey, type TestKey } from '../consent/testing/consent-kit.js';
import { verifyReceiptsCommand } from './consents.command.js';

const I = 'did:web:intermediary.example';
const notice = { id: 'urn:uuid:notice-1', version: 1, hash: `sha256:${'a'.repeat(64)}` };

/** A consent's real chain of receipts (requested, granted, withdrawn), signed as the intermediary signs them. */
async function chain(key: TestKey, consentId: string): Promise<string[]> {
  let record = newRecord({ recordId: consentId, principalId: 'urn:uuid:p1', intermediaryDid: I, providerDid: 'did:web:tb.example', consumerDid: 'did:web:ag.example', datasetId: 'urn:uuid:ds', purpose: 'guidance', notice, piiCategories: ['training records'], withdrawalUrl: 'https://intermediary.example/me/', at: new Date('2026-05-01T10:00:00Z') });
  const out: string[] = [];
  const sign = async (event: ConsentReceiptPayload['event']) => {
    const payload: ConsentReceiptPayload = { type: 'dases:ConsentReceipt', consentId, seq: out.length + 1, record, event, previous: out.length ? receiptHash(out[out.length - 1]!) : null, signer: { did: I, kid: key.kid, publicKeyJwk: key.publicKeyJwk as ConsentReceiptPayload['signer']['publicKeyJwk'] } };
    out.push(await key.sign(JSON.parse(JSON.stringify(payload)) as Record<string, unknown>, 'dases-consent-receipt+jwt'));
  };
  await sign(record.events[0]!);
  for (const step of [
    { action: 'grant', state: 'granted', at: new Date('2026-05-02T10:00:00Z'), validUntil: new Date('2027-05-02T10:00:00Z'), notice },
    { action: 'withdraw', state: 'withdrawn', at: new Date('2026-06-01T10:00:00Z') },
  ] as const) {
    const next = applyEvent(record, { reconfirmationRequired: false, ...step });
    record = next.record;
    await sign(next.event);
  }
  return out;
}

describe('dases consents verify', () => {
  let dir: string;
  let key: TestKey;
  let receipts: string[];
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-consent-verify-'));
    key = await testKey(I);
    receipts = await chain(key, 'urn:uuid:c1');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts a person's export with a complete chain, and binds the key with the DID document", () => {
    const exported = write('export.json', JSON.stringify({ type: 'dases:PersonalDataExport', consents: [{ id: 'urn:uuid:c1', receipts: receipts.map((jws, i) => ({ seq: i + 1, jws })) }], exchanges: [{ reports: [{ report: 'eyJhbGciOiJFZERTQSJ9.e30.AAAA' }] }] }));
    const r = verifyReceiptsCommand(exported, {});
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /consent receipts in .*: 3/);
    assert.match(r.output, /urn:uuid:c1 #3 withdrawn at 2026-06-01T10:00:00.000Z, signed by did:web:intermediary.example \(key self-asserted\)/);
    assert.match(r.output, /VALID/);
    const bound = verifyReceiptsCommand(exported, { didDocument: write('did.json', JSON.stringify(key.didDocument)), json: true });
    assert.equal(bound.code, 0);
    assert.deepEqual((JSON.parse(bound.output) as { receipts: Array<{ binding: string }> }).receipts.map((x) => x.binding), ['did-document', 'did-document', 'did-document']);
  });

  it('refuses a missing receipt, a reordered chain, a tampered receipt, another DID document and an empty file', async () => {
    const gap = verifyReceiptsCommand(write('gap.txt', [receipts[0], receipts[2]].join('\n')), {});
    assert.equal(gap.code, 1);
    assert.match(gap.output, /problem: urn:uuid:c1: receipt 2 is missing/);
    const [h, p, s] = receipts[1]!.split('.');
    const tampered = verifyReceiptsCommand(write('tampered.txt', `${h}.${p}.${s!.slice(0, -4)}AAAA`), {});
    assert.equal(tampered.code, 1);
    assert.match(tampered.output, /problem: .*signature/);
    const stranger = await testKey(I);
    const foreign = verifyReceiptsCommand(write('one.txt', receipts[0]!), { didDocument: write('other.json', JSON.stringify(stranger.didDocument)) });
    assert.equal(foreign.code, 1);
    const forked = await chain(stranger, 'urn:uuid:c1');
    const mixed = verifyReceiptsCommand(write('mixed.txt', [receipts[0], forked[1], receipts[2]].join('\n')), {});
    assert.equal(mixed.code, 1);
    assert.match(mixed.output, /does not follow receipt/);
    const empty = verifyReceiptsCommand(write('empty.json', '{}'), {});
    assert.equal(empty.code, 1);
    assert.match(empty.output, /no consent receipt in the file/);
  });
});
