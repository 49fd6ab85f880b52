import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { ManualClock } from '../kernel/index.js';
import { verifyReceipt } from '../ledger/index.js';
import { documentHash, RECEIPT_TYP, receiptDocument, verifyReceiptJws, type ExchangeFacts, type ExchangeView } from './index.js';
import { signedBytes } from './domain/receipt-document.js';
import { ADMIN, startReceiptNode, type ReceiptNode } from './testing/receipt-nodes.js';

const clock = new ManualClock(new Date());
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

forEachEngine('exchange receipts between two nodes', (engine) => {
  let a: ReceiptNode; // provider
  let b: ReceiptNode; // consumer
  let c: ReceiptNode; // a third participant B trusts
  let d: ReceiptNode; // a provider to B that finds no batch service in DIDs (as a node predating it): it sends receipts one by one
  let e: ReceiptNode; // a provider to B whose batch messages hold at most 4 KB
  let n = 0;
  const facts = (over: Partial<ExchangeFacts> = {}): ExchangeFacts => {
    n += 1;
    return {
      transferId: `urn:uuid:provider-${n}`,
      consumerPid: `urn:uuid:consumer-${n}`,
      agreementId: 'urn:uuid:agreement-1',
      datasetId: 'urn:uuid:dataset-1',
      providerDid: a.did,
      consumerDid: b.did,
      bytes: 11,
      sha256: sha('hello world'),
      startedAt: new Date('2026-03-01T10:00:00.000Z'),
      endedAt: new Date('2026-03-01T10:00:01.500Z'),
      ...over,
    };
  };
  const measured = (f: ExchangeFacts, over: object = {}) => ({ bytes: f.bytes, sha256: f.sha256, startedAt: f.startedAt, endedAt: f.endedAt, complete: true, ...over });
  const complete = (f: ExchangeFacts) => a.database.db.transaction().execute((tx) => a.receipts.providerCompleted(tx, f, `${b.url}/dsp`));
  const view = async (node: ReceiptNode, id: string) => (await node.receipts.get(id)) as ExchangeView;
  const api = (node: ReceiptNode, url: string, key: string | null = ADMIN) => node.app.inject({ method: 'GET', url, ...(key ? { headers: { 'x-api-key': key } } : {}) });
  const post = async (from: ReceiptNode | null, to: ReceiptNode, body: unknown, path = '/dsp/receipts') => {
    const res = await fetch(`${to.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(from ? { authorization: `Bearer ${await from.identity.tokens.sign(to.did)}` } : {}) },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { code?: string; status?: string; errors?: Array<{ path: string }>; '@type'?: string; results?: Array<{ transferId?: string; status?: string; error?: { code: string; status: number; detail: string } }> },
    };
  };

  before(async () => {
    // A and B wait 250 ms for a batch to fill, so that what a test does at once leaves at once.
    [a, b, c, d, e] = await Promise.all([
      startReceiptNode('a', engine, clock, { batchMs: 250 }),
      startReceiptNode('b', engine, clock, { batchMs: 250 }),
      startReceiptNode('c', engine, clock),
      startReceiptNode('d', engine, clock, { seesBatchService: false }),
      startReceiptNode('e', engine, clock, { batchMs: 250, batchBytes: 4096 }),
    ]);
    await a.participants.add(b.did);
    await b.participants.add(a.did);
    await b.participants.add(c.did);
    await b.participants.add(d.did);
    await d.participants.add(b.did);
    await b.participants.add(e.did);
    await e.participants.add(b.did);
  });
  after(async () => {
    for (const node of [a, b, c, d, e]) await node?.close();
  });

  it('both logs hold the receipt; each node holds the other signature and a log receipt that verifies offline', async () => {
    const f = facts();
    await complete(f);
    await b.receipts.consumerMeasured(f.consumerPid, measured(f));
    const provider = await pollUntil(async () => ((await view(a, f.transferId)).status === 'countersigned' ? view(a, f.transferId) : undefined), { what: 'the countersignature at the provider' });
    const consumer = await view(b, f.consumerPid);
    assert.equal(consumer.status, 'countersigned');
    assert.deepEqual(consumer.receipt, provider.receipt);
    assert.deepEqual(provider.receipt, { type: 'dases:ExchangeReceipt', agreementId: f.agreementId, providerPid: f.transferId, consumerPid: f.consumerPid, datasetId: f.datasetId, provider: a.did, consumer: b.did, bytes: 11, sha256: f.sha256, startedAt: '2026-03-01T10:00:00.000Z', endedAt: '2026-03-01T10:00:01.500Z' });
    for (const holder of [provider, consumer]) {
      assert.equal(holder.providerSignature, provider.providerSignature);
      assert.equal(holder.consumerSignature, consumer.consumerSignature);
      const aKey = await a.identity.signer.publicKey();
      const bKey = await b.identity.signer.publicKey();
      assert.equal((await verifyReceiptJws(holder.providerSignature!, aKey.publicKeyJwk, { signer: a.did, document: provider.receipt! })).ok, true);
      assert.equal((await verifyReceiptJws(holder.consumerSignature!, bKey.publicKeyJwk, { signer: b.did, document: provider.receipt! })).ok, true);
      const pr = await verifyReceipt(holder.providerLedgerReceipt, { didDocument: await a.identity.didDocument() });
      const cr = await verifyReceipt(holder.consumerLedgerReceipt, { didDocument: await b.identity.didDocument() });
      assert.deepEqual([pr.ok, cr.ok], [true, true]);
    }
    const [inA] = await a.ledger.entries({ type: 'exchange.receipt', subject: f.transferId });
    const [inB] = await b.ledger.entries({ type: 'exchange.receipt', subject: f.consumerPid });
    assert.deepEqual([inA?.payload.documentHash, inA?.payload.role, inB?.payload.role], [provider.documentHash, 'provider', 'consumer']);
    assert.equal(inB?.payload.documentHash, provider.documentHash);
    assert.equal((provider.consumerLedgerReceipt as { entry: { index: number } }).entry.index, inB?.index);

    const res = await api(b, `/api/v1/transfers/${encodeURIComponent(f.consumerPid)}/receipt`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().consumerSignature, consumer.consumerSignature);
    for (const [node, path] of [[a, `/api/v1/agreements/${encodeURIComponent(f.agreementId)}/exchanges`], [b, `/api/v1/datasets/${encodeURIComponent(f.datasetId)}/exchanges?limit=1`]] as const) {
      const list = await api(node, path);
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual([list.json().total, list.json().items[0].documentHash], [1, provider.documentHash]);
    }
  });

  it('countersigns when the measurement comes first, and when the consumer node saw no bytes (null)', async () => {
    const f = facts();
    await b.receipts.consumerMeasured(f.consumerPid, null);
    assert.equal((await view(b, f.consumerPid)).status, 'pending');
    await complete(f);
    await pollUntil(async () => (await view(a, f.transferId)).status === 'countersigned', { what: 'the countersignature' });
    assert.equal((await view(b, f.consumerPid)).status, 'countersigned');
    await b.receipts.consumerMeasured(f.consumerPid, measured(f, { bytes: 1 }));
    assert.equal((await view(b, f.consumerPid)).status, 'countersigned', 'the first report stands');
  });

  it('records a dispute and does not countersign when the consumer measured other bytes', async () => {
    const f = facts();
    await b.receipts.consumerMeasured(f.consumerPid, measured(f, { sha256: sha('hello w0rld') }));
    await complete(f);
    const disputed = await pollUntil(async () => ((await b.receipts.get(f.consumerPid))?.status === 'disputed' ? view(b, f.consumerPid) : undefined), { what: 'the dispute' });
    assert.match(disputed.disputeReason!, /the consumer measured 11 bytes with SHA-256 [0-9a-f]{64}, the provider's receipt says 11 bytes/);
    assert.equal(disputed.consumerSignature, undefined);
    assert.ok(disputed.providerSignature);
    const [entry] = await b.ledger.entries({ type: 'exchange.dispute', subject: f.consumerPid });
    assert.equal(entry?.payload.documentHash, disputed.documentHash);
    assert.deepEqual(await b.ledger.entries({ type: 'exchange.receipt', subject: f.consumerPid }), []);
    assert.equal((await view(a, f.transferId)).status, 'pending', 'the provider holds no countersignature');
    assert.equal((await view(a, f.transferId)).consumerSignature, undefined);
  });

  it('refuses /dsp/receipts without a token (401), from a third party (403), tampered (400)', async () => {
    const f = facts();
    await complete(f);
    const sent = await pollUntil(async () => (await view(a, f.transferId)).providerLedgerReceipt ? view(a, f.transferId) : undefined, { what: 'the receipt to leave' });
    const message = { signature: sent.providerSignature!, ledgerReceipt: sent.providerLedgerReceipt };

    const anonymous = await post(null, b, message);
    assert.deepEqual([anonymous.status, anonymous.body.code, anonymous.body['@type']], [401, 'DS_AUTH_MISSING_CREDENTIALS', 'ReceiptError']);
    const third = await post(c, b, message);
    assert.deepEqual([third.status, third.body.code], [403, 'DS_RECEIPT_WRONG_SENDER']);

    const [h, , s] = sent.providerSignature!.split('.');
    const forged = Buffer.from(JSON.stringify({ ...sent.receipt, bytes: 12 })).toString('base64url');
    const tampered = await post(a, b, { ...message, signature: `${h}.${forged}.${s}` });
    assert.deepEqual([tampered.status, tampered.body.code, tampered.body.errors?.[0]?.path], [400, 'DS_RECEIPT_INVALID', '/body/signature']);
    const otherEntry = { ...message, ledgerReceipt: { ...(sent.providerLedgerReceipt as object), entry: { ...(sent.providerLedgerReceipt as { entry: object }).entry, subject: 'urn:other' } } };
    const badProof = await post(a, b, otherEntry);
    assert.deepEqual([badProof.status, badProof.body.code, badProof.body.errors?.[0]?.path], [400, 'DS_RECEIPT_PROOF_INVALID', '/body/ledgerReceipt']);
    const extra = await post(a, b, { ...message, extra: 1 });
    assert.deepEqual([extra.status, extra.body.code, extra.body.errors?.[0]?.path], [400, 'DS_HTTP_VALIDATION', '/body/extra']);
    const again = await post(a, b, message);
    assert.equal(again.status, 200, 'a repeated delivery is answered as before');
  });

  it('refuses a countersignature for an unknown transfer (404) or for other facts (409)', async () => {
    const f = facts();
    await complete(f);
    await pollUntil(async () => (await view(a, f.transferId)).providerLedgerReceipt, { what: 'the receipt to leave' });
    // B signs and logs documents of its own making, as a misbehaving consumer node would.
    const countersign = async (doc: ReturnType<typeof receiptDocument>) => {
      const entry = await b.database.db.transaction().execute((tx) => b.ledger.append(tx, { type: 'exchange.receipt', actor: b.did, subject: doc.consumerPid, payload: { role: 'consumer', documentHash: documentHash(doc), receipt: doc } }));
      return { signature: await b.identity.signer.sign(signedBytes(doc), RECEIPT_TYP), ledgerReceipt: await b.ledger.receipt(entry.index) };
    };
    const unknown = await post(b, a, await countersign(receiptDocument({ ...f, transferId: 'urn:uuid:never' })));
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'DS_RECEIPT_NOT_FOUND']);
    const other = await post(b, a, await countersign(receiptDocument({ ...f, bytes: 12 })));
    assert.deepEqual([other.status, other.body.code], [409, 'DS_RECEIPT_MISMATCH']);
    assert.equal((await view(a, f.transferId)).consumerSignature, undefined);
  });

  it('sends exchanges decided together in one batch each way, under one signed head per log', async () => {
    const all = [facts(), facts(), facts()];
    for (const f of all) await b.receipts.consumerMeasured(f.consumerPid, measured(f));
    const [fromA, fromB] = [a.posted.length, b.posted.length];
    await a.database.db.transaction().execute(async (tx) => {
      for (const f of all) await a.receipts.providerCompleted(tx, f, `${b.url}/dsp`);
    });
    const done = await pollUntil(async () => {
      const views = await Promise.all(all.map((f) => view(a, f.transferId)));
      return views.every((v) => v.status === 'countersigned') ? views : undefined;
    }, { what: 'three countersignatures' });
    assert.deepEqual(a.posted.slice(fromA), [`${b.url}/dsp/receipts/batch`], "A's three receipts left in one message");
    assert.deepEqual(b.posted.slice(fromB), [`${a.url}/dsp/receipts/batch`], "B's three countersignatures left in one message");
    const heads = (key: 'providerLedgerReceipt' | 'consumerLedgerReceipt') => new Set(done.map((v) => (v[key] as { treeHead: string }).treeHead));
    assert.equal(heads('providerLedgerReceipt').size, 1);
    assert.equal(heads('consumerLedgerReceipt').size, 1);
    for (const v of done) {
      assert.equal((await verifyReceipt(v.providerLedgerReceipt, { didDocument: await a.identity.didDocument() })).ok, true);
      assert.equal((await verifyReceipt(v.consumerLedgerReceipt, { didDocument: await b.identity.didDocument() })).ok, true);
    }
    for (const f of all) assert.equal((await view(b, f.consumerPid)).status, 'countersigned');
  });

  it('sends receipts one by one to a node whose DID document announces no batch service', async () => {
    const all = [1, 2].map(() => facts({ providerDid: d.did }));
    for (const f of all) await b.receipts.consumerMeasured(f.consumerPid, measured(f));
    const fromD = d.posted.length;
    await d.database.db.transaction().execute(async (tx) => {
      for (const f of all) await d.receipts.providerCompleted(tx, f, `${b.url}/dsp`);
    });
    for (const f of all) await pollUntil(async () => (await view(d, f.transferId)).status === 'countersigned', { what: 'the countersignature at D' });
    assert.deepEqual(d.posted.slice(fromD), [`${b.url}/dsp/receipts`, `${b.url}/dsp/receipts`]);
  });

  it('splits a batch that would outgrow its byte limit into several messages, each under it', async () => {
    const all = [1, 2, 3].map(() => facts({ providerDid: e.did }));
    for (const f of all) await b.receipts.consumerMeasured(f.consumerPid, measured(f));
    const fromE = e.posted.length;
    await e.database.db.transaction().execute(async (tx) => {
      for (const f of all) await e.receipts.providerCompleted(tx, f, `${b.url}/dsp`);
    });
    const done = await pollUntil(async () => {
      const views = await Promise.all(all.map((f) => view(e, f.transferId)));
      return views.every((v) => v.status === 'countersigned') ? views : undefined;
    }, { what: 'the countersignatures at E' });
    const size = JSON.stringify({ signature: done[0]!.providerSignature, ledgerReceipt: done[0]!.providerLedgerReceipt }).length;
    assert.ok(size < 4096 && 2 * size > 4096, `one receipt (${size} bytes) fits the limit, two do not`);
    assert.deepEqual(e.posted.slice(fromE), [1, 2, 3].map(() => `${b.url}/dsp/receipts/batch`), 'one message per receipt');
  });

  it('answers a batch item by item: taken, tampered, not its sender; refuses it whole without a token or when malformed', async () => {
    const f = facts();
    await complete(f);
    const sent = await pollUntil(async () => (await view(a, f.transferId)).providerLedgerReceipt ? view(a, f.transferId) : undefined, { what: 'the receipt to leave' });
    const message = { signature: sent.providerSignature!, ledgerReceipt: sent.providerLedgerReceipt };
    const [h, , sig] = sent.providerSignature!.split('.');
    const tampered = { ...message, signature: `${h}.${Buffer.from(JSON.stringify({ ...sent.receipt, bytes: 12 })).toString('base64url')}.${sig}` };

    const mixed = await post(a, b, { receipts: [message, tampered] }, '/dsp/receipts/batch');
    assert.equal(mixed.status, 200, JSON.stringify(mixed.body));
    assert.deepEqual(mixed.body.results?.[0], { transferId: f.consumerPid, status: 'pending' }, 'taken again as before (B has not measured it)');
    assert.deepEqual([mixed.body.results?.[1]?.error?.code, mixed.body.results?.[1]?.error?.status], ['DS_RECEIPT_INVALID', 400]);
    assert.match(mixed.body.results![1]!.error!.detail, /^\/body\/receipts\/1\/signature: /);

    const third = await post(c, b, { receipts: [message] }, '/dsp/receipts/batch');
    assert.deepEqual([third.status, third.body.results?.[0]?.error?.code, third.body.results?.[0]?.error?.status], [200, 'DS_RECEIPT_WRONG_SENDER', 403]);
    const anonymous = await post(null, b, { receipts: [message] }, '/dsp/receipts/batch');
    assert.deepEqual([anonymous.status, anonymous.body.code, anonymous.body['@type']], [401, 'DS_AUTH_MISSING_CREDENTIALS', 'ReceiptError']);
    const empty = await post(a, b, { receipts: [] }, '/dsp/receipts/batch');
    assert.deepEqual([empty.status, empty.body.code, empty.body.errors?.[0]?.path], [400, 'DS_HTTP_VALIDATION', '/body/receipts']);
    const extra = await post(a, b, { receipts: [{ ...message, extra: 1 }] }, '/dsp/receipts/batch');
    assert.deepEqual([extra.status, extra.body.errors?.[0]?.path], [400, '/body/receipts/0/extra']);
    assert.equal((await view(b, f.consumerPid)).providerSignature, sent.providerSignature, 'the receipt B holds is the one A signed');
  });

  it('takes the receipts of a batch in one append, each answered on its own: settled, disputed, kept, repeated, conflicting', async () => {
    // A signs and logs receipts itself here, so that the test decides what the batch holds.
    const signed = async (f: ExchangeFacts) => {
      const doc = receiptDocument(f);
      const entry = await a.database.db.transaction().execute((tx) => a.ledger.append(tx, { type: 'exchange.receipt', actor: a.did, subject: f.transferId, payload: { role: 'provider', documentHash: documentHash(doc), receipt: doc } }));
      return { signature: await a.identity.signer.sign(signedBytes(doc), RECEIPT_TYP), ledgerReceipt: await a.ledger.receipt(entry.index) };
    };
    const [settled, disputed, kept] = [facts(), facts(), facts()];
    await b.receipts.consumerMeasured(settled.consumerPid, measured(settled));
    await b.receipts.consumerMeasured(disputed.consumerPid, measured(disputed, { bytes: 10 }));
    const conflicting = await signed({ ...settled, bytes: 12 });
    const first = await signed(settled);
    const batch = [first, await signed(disputed), await signed(kept), first, conflicting];
    const res = await post(a, b, { receipts: batch }, '/dsp/receipts/batch');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body.results!;
    assert.deepEqual(r.slice(0, 4), [
      { transferId: settled.consumerPid, status: 'pending' },
      { transferId: disputed.consumerPid, status: 'disputed' },
      { transferId: kept.consumerPid, status: 'pending' },
      { transferId: settled.consumerPid, status: 'pending' },
    ]);
    assert.deepEqual([r[4]?.error?.code, r[4]?.error?.status], ['DS_RECEIPT_MISMATCH', 409]);
    const [receiptEntry] = await b.ledger.entries({ type: 'exchange.receipt', subject: settled.consumerPid });
    const [disputeEntry] = await b.ledger.entries({ type: 'exchange.dispute', subject: disputed.consumerPid });
    assert.equal(disputeEntry!.index, receiptEntry!.index + 1, 'logged one after the other');
    assert.equal((await view(b, kept.consumerPid)).providerSignature, batch[2]!.signature, 'kept until B measures');
    assert.equal((await view(b, settled.consumerPid)).documentHash, documentHash(receiptDocument(settled)), 'the conflicting receipt changed nothing');
    assert.equal((await b.ledger.entries({ type: 'exchange.receipt', subject: settled.consumerPid })).length, 1, 'the repeated one logged nothing');
  });

  it('sends receipts a crash left due once the sweep runs', async () => {
    const f = facts();
    await complete(f);
    await b.receipts.consumerMeasured(f.consumerPid, measured(f));
    await pollUntil(async () => (await view(a, f.transferId)).status === 'countersigned', { what: 'the first exchange' });
    // As if the process died between the commit and sending: the row is due again, nothing is in the outbox.
    const longAgo = new Date(clock.now().getTime() - 60_000);
    await a.database.db.updateTable('exchange_receipts').set({ outgoing: 'due', updated_at: longAgo }).where('transfer_id', '=', f.transferId).execute();
    a.receipts.start();
    try {
      await pollUntil(async () => (await a.database.db.selectFrom('exchange_receipts').select('outgoing').where('transfer_id', '=', f.transferId).executeTakeFirst())?.outgoing === 'sent', { what: 'the sweep to send it' });
      await pollUntil(async () => (await a.outbox.pending()).length === 0, { what: 'the delivery' });
    } finally {
      a.receipts.stop();
    }
    assert.equal((await view(b, f.consumerPid)).status, 'countersigned', 'the repeated delivery changed nothing at the consumer');
    assert.equal((await b.ledger.entries({ type: 'exchange.receipt', subject: f.consumerPid })).length, 1);
  });

  it('answers the management API with 404 problem+json and 401 without a key', async () => {
    const missing = await api(a, '/api/v1/transfers/urn%3Auuid%3Anone/receipt');
    assert.deepEqual([missing.statusCode, missing.json().code, missing.json().errors[0].path], [404, 'DS_RECEIPT_NOT_FOUND', '/params/id']);
    assert.equal((await api(a, '/api/v1/agreements/x/exchanges', null)).statusCode, 401);
    const bad = await api(a, '/api/v1/datasets/x/exchanges?limit=0');
    assert.deepEqual([bad.statusCode, bad.json().errors[0].path], [400, '/querystring/limit']);
  });
});
