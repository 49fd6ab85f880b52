import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../test/support/databases.js';
import type { Database } from '../db/index.js';
import { ManualClock, silentLogger } from '../kernel/index.js';
import { createLedger, verifyReceipt, type Ledger, type NewLogEntry } from './index.js';
import { testSigner } from './testing/ledger-test-kit.js';

// An independent RFC 9162 verifier, written here from the RFC's text (§2.1.1, §2.1.3.2, §2.1.4.2) with BigInt
// arithmetic and its own hashing, so that the log's proofs are not checked by the code that produced them.
const H = (...parts: Uint8Array[]) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };
const refLeaf = (d: string) => H(Buffer.from([0]), Buffer.from(d, 'utf8'));
const refNode = (l: Uint8Array, r: Uint8Array) => H(Buffer.from([1]), l, r);
function refMth(d: Buffer[]): Buffer {
  if (d.length === 0) return H();
  if (d.length === 1) return d[0]!;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return refNode(refMth(d.slice(0, k)), refMth(d.slice(k)));
}
const LSB = (x: bigint) => (x & 1n) === 1n;
function refVerifyInclusion(leafIndex: number, treeSize: number, hash: Buffer, path: Buffer[], root: Buffer): boolean {
  if (leafIndex >= treeSize) return false;
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r = hash;
  for (const p of path) {
    if (sn === 0n) return false;
    if (LSB(fn) || fn === sn) {
      r = refNode(p, r);
      if (!LSB(fn)) while (!LSB(fn) && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else r = refNode(r, p);
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}
function refVerifyConsistency(first: number, second: number, firstHash: Buffer, secondHash: Buffer, path: Buffer[]): boolean {
  if (path.length === 0) return false;
  if ((first & (first - 1)) === 0) path = [firstHash, ...path];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while (LSB(fn)) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (LSB(fn) || fn === sn) {
      fr = refNode(c, fr);
      sr = refNode(c, sr);
      if (!LSB(fn)) while (!LSB(fn) && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else sr = refNode(sr, c);
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}

const ACTOR = 'did:web:node.example';
const entry = (i: number, type = 'dataset.published'): NewLogEntry => ({ type, actor: ACTOR, subject: `urn:uuid:${i}`, payload: { n: i, title: { en: `dataset ${i}`, fr: `jeu ${i} é` } } });

forEachEngine('transparency log', (engine) => {
  let d: Database;
  let log: Ledger;
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  let signer: Awaited<ReturnType<typeof testSigner>>;
  const canonicals: string[] = [];
  const appendN = async (count: number, type?: string) => {
    const out = await d.db.transaction().execute((tx) => log.appendMany(tx, Array.from({ length: count }, (_, i) => entry(canonicals.length + i, type))));
    // At each entry's own index: appends that run concurrently may return in another order than the log's.
    for (const e of out) {
      const { index, ...body } = e;
      canonicals[index] = JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1))));
    }
    return out;
  };

  before(async () => {
    d = await openTestDatabase(engine);
    signer = await testSigner(ACTOR);
    log = createLedger({ db: d.db, clock, logger: silentLogger(), did: ACTOR, signer });
  });
  after(async () => d.close());

  it('starts empty with the RFC 9162 empty-tree root and signs that head', async () => {
    const h = await log.latestHead();
    assert.equal(h.size, 0);
    assert.equal(Buffer.from(h.rootHash, 'base64').toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('leaves nothing behind when the caller rolls its transaction back', async () => {
    await assert.rejects(
      d.db.transaction().execute(async (tx) => {
        await log.append(tx, entry(0));
        throw new Error('the recorded change failed');
      }),
      /recorded change failed/,
    );
    assert.equal((await log.latestHead()).size, 0);
    assert.deepEqual(await log.entries(), []);
    assert.equal((await d.db.selectFrom('ledger_nodes').select((e) => e.fn.countAll<number>().as('c')).executeTakeFirstOrThrow()).c, 0);
  });

  it('refuses unknown types and malformed entries naming the field, writing nothing', async () => {
    const bad = (e: Partial<NewLogEntry>) => d.db.transaction().execute((tx) => log.appendMany(tx, [entry(0), { ...entry(1), ...e } as NewLogEntry]));
    await assert.rejects(bad({ type: 'dataset.stolen' }), (e: { code: string; errors: Array<{ path: string }> }) => e.code === 'DS_LEDGER_UNKNOWN_TYPE' && e.errors[0]?.path === '/1/type');
    await assert.rejects(bad({ actor: 'bob' }), (e: { code: string; errors: Array<{ path: string }> }) => e.code === 'DS_LEDGER_INVALID_ENTRY' && e.errors[0]?.path === '/1/actor');
    await assert.rejects(bad({ payload: { x: Number.NaN } }), (e: { errors: Array<{ path: string }> }) => e.errors[0]?.path === '/1/payload');
    await assert.rejects(log.entries({ type: 'nope.nope' }), (e: { code: string }) => e.code === 'DS_LEDGER_UNKNOWN_TYPE');
    assert.equal((await log.latestHead()).size, 0);
  });

  it('appends concurrently without gaps or duplicates and matches an independent root', async () => {
    await Promise.all(Array.from({ length: 8 }, () => appendN(25)));
    const all = await log.entries({ limit: 1000 });
    assert.deepEqual(all.map((e) => e.index), Array.from({ length: 200 }, (_, i) => i));
    const head = await log.latestHead();
    assert.equal(head.size, 200);
    const expected = refMth(all.map((e) => refLeaf(JSON.stringify(Object.fromEntries(Object.entries({ ...e, index: undefined }).filter(([k]) => k !== 'index').sort(([a], [b]) => (a < b ? -1 : 1)))))));
    assert.equal(head.rootHash, expected.toString('base64'));
    assert.equal((await log.verify()).ok, true);
  });

  it('serves proofs the independent verifier accepts for random sizes up to ~300', async () => {
    await appendN(101, 'offering.published');
    const leaves = (await log.entries({ limit: 1000 })).map((e) => refLeaf(JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'index').sort(([a], [b]) => (a < b ? -1 : 1))))));
    assert.equal(leaves.length, 301);
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let t = 0; t < 60; t++) {
      const size = 1 + rnd(301);
      const index = rnd(size);
      const root = refMth(leaves.slice(0, size));
      const p = await log.inclusionProof(index, size);
      assert.ok(refVerifyInclusion(index, size, Buffer.from(p.leafHash), p.auditPath.map((h) => Buffer.from(h)), root), `inclusion ${index} in ${size}`);
      const first = 1 + rnd(size);
      if (first < size) {
        const c = await log.consistencyProof(first, size);
        assert.ok(refVerifyConsistency(first, size, refMth(leaves.slice(0, first)), root, c.proof.map((h) => Buffer.from(h))), `consistency ${first} -> ${size}`);
      }
    }
    await assert.rejects(log.inclusionProof(301, 301), (e: { code: string; errors: Array<{ path: string }> }) => e.code === 'DS_LEDGER_OUT_OF_RANGE' && e.errors[0]?.path === '/querystring/index');
    await assert.rejects(log.inclusionProof(0, 302), (e: { errors: Array<{ path: string }> }) => e.errors[0]?.path === '/querystring/size');
    await assert.rejects(log.consistencyProof(5, 4), (e: { errors: Array<{ path: string }> }) => e.errors[0]?.path === '/querystring/from');
  });

  it('filters and pages the listing by index, type, subject, actor and time', async () => {
    assert.deepEqual((await log.entries({ start: 10, end: 12 })).map((e) => e.index), [10, 11, 12]);
    assert.equal((await log.entries({ type: 'offering.published', limit: 1000 })).length, 101);
    assert.deepEqual((await log.entries({ subject: 'urn:uuid:250' })).map((e) => e.index), [250]);
    assert.equal((await log.entries({ actor: 'did:web:other.example' })).length, 0);
    clock.advance(60_000);
    await appendN(3, 'participant.added');
    const later = await log.entries({ from: new Date('2026-03-01T10:00:30Z') });
    assert.deepEqual(later.map((e) => e.index), [301, 302, 303]);
    assert.equal(later[0]!.timestamp, '2026-03-01T10:01:00.000Z');
    assert.equal((await log.entries({ to: new Date('2026-03-01T10:00:30Z'), limit: 1000 })).length, 301);
  });

  it('signs heads whose size and time only move forward, and reuses the head while the log is unchanged', async () => {
    const h1 = await log.latestHead();
    assert.equal(h1.size, 304);
    assert.equal((await log.latestHead()).head, h1.head);
    clock.advance(-3_600_000);
    await appendN(1, 'witness.cosigned');
    const h2 = await log.latestHead();
    assert.equal(h2.size, 305);
    assert.ok(h2.timestamp >= h1.timestamp, 'a clock going back does not move the head back');
    const c = await log.consistencyProof(h1.size, h2.size);
    assert.ok(refVerifyConsistency(h1.size, h2.size, Buffer.from(h1.rootHash, 'base64'), Buffer.from(h2.rootHash, 'base64'), c.proof.map((x) => Buffer.from(x))));
  });

  it('answers concurrent head requests with the one head stored for the new size, as a later read serves it', async () => {
    const size = (await log.latestHead()).size;
    await appendN(1, 'witness.cosigned');
    // Several callers sign at once, each at another millisecond (so each signs another head); one insert wins, the
    // others are refused and serve the stored winner, not the head they signed.
    let tick = clock.now().getTime() + 60_000;
    const ticking = createLedger({ db: d.db, clock: { now: () => new Date(tick++) }, logger: silentLogger(), did: ACTOR, signer });
    const heads = await Promise.all(Array.from({ length: 6 }, () => ticking.latestHead()));
    const later = await log.latestHead();
    assert.equal(later.size, size + 1);
    for (const h of heads) assert.deepEqual(h, later);
  });

  it('issues receipts that verify offline and fail when any byte of entry, proof or head changes', async () => {
    const r = await log.receipt(42);
    assert.equal(r.entry.index, 42);
    const good = await verifyReceipt(JSON.parse(JSON.stringify(r)));
    assert.ok(good.ok, JSON.stringify(good));
    assert.equal(good.ok && good.value.keyBinding, 'self-asserted');
    const withDoc = await verifyReceipt(r, { didDocument: signer.didDocument as never });
    assert.equal(withDoc.ok && withDoc.value.keyBinding, 'did-document');
    const other = await testSigner(ACTOR);
    assert.equal((await verifyReceipt(r, { didDocument: other.didDocument as never })).ok, false, 'a key the DID document does not list');

    const mutate = (f: (x: typeof r) => void) => { const x = JSON.parse(JSON.stringify(r)) as typeof r; f(x); return verifyReceipt(x); };
    assert.equal((await mutate((x) => (x.entry.subject = 'urn:uuid:43'))).ok, false, 'entry changed');
    assert.equal((await mutate((x) => ((x.entry.payload as { n: number }).n = 43))).ok, false, 'payload changed');
    assert.equal((await mutate((x) => (x.entry.index = 43))).ok, false, 'index changed');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (let i = 0; i < r.inclusionProof.length; i++) assert.equal((await mutate((x) => (x.inclusionProof[i] = flip(x.inclusionProof[i]!, 5)))).ok, false, `proof[${i}] changed`);
    for (const i of [10, r.treeHead.indexOf('.') + 10, r.treeHead.length - 10]) assert.equal((await mutate((x) => (x.treeHead = flip(x.treeHead, i)))).ok, false, `head byte ${i} changed`);
    assert.equal((await mutate((x) => (x.signer.publicKeyJwk = other.didDocument.verificationMethod[0]!.publicKeyJwk as never))).ok, false, 'another key');
    await assert.rejects(log.receipt(100_000), (e: { code: string; errors: Array<{ path: string }> }) => e.code === 'DS_LEDGER_OUT_OF_RANGE' && e.errors[0]?.path === '/params/index');
  });
  it('issues receipts of several entries against one head, in the order asked, each as its single receipt', async () => {
    const indexes = [canonicals.length - 1, 3, 42, 3, 0];
    const many = await log.receipts(indexes);
    assert.deepEqual(many.map((r) => r.entry.index), indexes);
    assert.equal(new Set(many.map((r) => r.treeHead)).size, 1, 'one signed head for all');
    for (const r of many) {
      const checked = await verifyReceipt(JSON.parse(JSON.stringify(r)), { didDocument: signer.didDocument as never });
      assert.ok(checked.ok, JSON.stringify(checked));
      assert.deepEqual(r, await log.receipt(r.entry.index), 'the same as the single receipt against the same head');
    }
    assert.deepEqual(await log.receipts([]), []);
    await assert.rejects(log.receipts([1, 100_000]), (e: { code: string; errors: Array<{ path: string; message: string }> }) => e.code === 'DS_LEDGER_OUT_OF_RANGE' && e.errors[0]?.path === '/indexes' && /100000/.test(e.errors[0].message));
  });
  it('keeps proofs right as the log grows past the nodes and right-edge folds it has already served', async () => {
    for (const grow of [1, 2, 7, 30]) {
      const before = canonicals.length;
      // Warm the cache with the current right edge, then grow the log and ask for the edge again at both sizes.
      await log.inclusionProof(before - 1, before);
      await appendN(grow);
      const leaves = canonicals.map((c) => refLeaf(c));
      for (const size of [before, canonicals.length]) {
        const root = refMth(leaves.slice(0, size));
        for (const index of [0, size - 1, Math.max(0, size - 2), before - 1]) {
          const p = await log.inclusionProof(index, size);
          assert.ok(refVerifyInclusion(index, size, Buffer.from(p.leafHash), p.auditPath.map((h) => Buffer.from(h)), root), `inclusion ${index} in ${size}`);
        }
      }
      const c = await log.consistencyProof(before, canonicals.length);
      assert.ok(refVerifyConsistency(before, canonicals.length, refMth(leaves.slice(0, before)), refMth(leaves), c.proof.map((h) => Buffer.from(h))));
    }
  });
});
