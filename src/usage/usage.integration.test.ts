import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { createServerDatabase, forEachEngine, openTestDatabase, type Engine } from '../../test/support/databases.js';
import { migrate, openDatabase, type Database } from '../db/index.js';
import { AppError, ManualClock, silentLogger } from '../kernel/index.js';
import { createUsage, type AgreementRecord, type ContractStatus, type Usage } from './index.js';

const PROVIDER = 'did:web:provider.example';
const CONSUMER = 'did:web:consumer.example';
const DATASET = 'urn:uuid:0b8a3c4e-1d2f-4a5b-9c6d-7e8f9a0b1c2d';
const PERSONAL = 'urn:uuid:11111111-2222-4333-8444-555555555555';

const agreementWith = (id: string, constraint: object[], extra: Partial<AgreementRecord> = {}): AgreementRecord => ({
  agreementId: id,
  role: 'provider',
  providerDid: PROVIDER,
  consumerDid: CONSUMER,
  datasetId: DATASET,
  policy: { '@type': 'Agreement', '@id': id, assigner: PROVIDER, assignee: CONSUMER, target: extra.datasetId ?? DATASET, permission: [{ action: 'use', constraint }] },
  purpose: 'research',
  agreedAt: new Date('2026-01-01T00:00:00Z'),
  ...extra,
});

/** The ports of negotiation, contracts and the catalog as plain maps the tests change. */
function world() {
  const agreements = new Map<string, AgreementRecord>();
  const statuses = new Map<string, ContractStatus>();
  const add = (a: AgreementRecord, status: ContractStatus = 'active') => {
    agreements.set(a.agreementId, a);
    statuses.set(a.agreementId, status);
  };
  add(agreementWith('urn:agreement:open', []));
  add(agreementWith('urn:agreement:until', [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2026-12-31' }]));
  add(agreementWith('urn:agreement:count3', [{ leftOperand: 'count', operator: 'lteq', rightOperand: 3 }]));
  add(agreementWith('urn:agreement:count5', [{ leftOperand: 'count', operator: 'lteq', rightOperand: 5 }]));
  add(agreementWith('urn:agreement:purpose', [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }], { purpose: 'marketing' }));
  add(agreementWith('urn:agreement:revoked', []), 'revoked');
  add(agreementWith('urn:agreement:personal', [], { datasetId: PERSONAL }));
  add(agreementWith('urn:agreement:gone', [], { datasetId: 'urn:uuid:99999999-2222-4333-8444-555555555555' }));
  add(agreementWith('urn:agreement:bad', [{ leftOperand: 'count', operator: 'sameAs', rightOperand: 3 }]));
  const datasets = new Map([[DATASET, { containsPersonalData: false }], [PERSONAL, { containsPersonalData: true }]]);
  return {
    statuses,
    agreements: { agreement: async (id: string) => agreements.get(id) },
    contracts: { statusOfAgreement: async (id: string) => statuses.get(id) },
    datasets: { getOfferedDataset: async (id: string) => datasets.get(id) },
  };
}

async function refused(p: Promise<unknown>, code: string, reason: RegExp): Promise<AppError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (x: unknown) => x,
  );
  assert.ok(e instanceof AppError, String(e));
  assert.equal(e.code, code, e.message);
  assert.match(e.message, reason);
  return e;
}

/** A second, independent connection pool on the same PostgreSQL database, so concurrent requests really race. */
async function twoPools(engine: Engine, pglite: Database): Promise<{ dbs: Database[]; close(): Promise<void> }> {
  // PGlite is one connection: concurrency there is interleaving on it, which the compare-and-set must survive too.
  if (engine === 'pglite') return { dbs: [pglite], close: async () => {} };
  const url = await createServerDatabase();
  const first = await openDatabase({ databaseUrl: url, poolSize: 5 });
  await migrate(first);
  const second = await openDatabase({ databaseUrl: url, poolSize: 5 });
  return {
    dbs: [first, second],
    async close() {
      await first.close();
      await second.close();
      const c = new pg.Client({ connectionString: process.env.DASES_TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
      await c.end();
    },
  };
}

forEachEngine('usage control', (engine) => {
  let database: Database;
  let usage: Usage;
  let w: ReturnType<typeof world>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const input = (agreementId: string, consumerDid = CONSUMER) => ({ agreementId, consumerDid, transferId: `t-${Math.random()}` });

  before(async () => {
    database = await openTestDatabase(engine);
    w = world();
    usage = createUsage({ db: database.db, clock, logger: silentLogger(), ...w });
  });
  after(() => database?.close());

  it('permits an open agreement and counts every accepted transfer request', async () => {
    await usage.authorizeTransfer(input('urn:agreement:open'));
    await usage.authorizeTransfer(input('urn:agreement:open'));
    assert.equal(await usage.usesOf('urn:agreement:open'), 2);
    assert.deepEqual(await usage.recheck(input('urn:agreement:open')), { ok: true });
    assert.equal(await usage.usesOf('urn:agreement:open'), 2, 'a recheck consumes nothing');
  });

  it('refuses unknown and foreign agreements: 404 and 403', async () => {
    const unknown = await refused(usage.authorizeTransfer(input('urn:agreement:nope')), 'DS_USAGE_AGREEMENT_NOT_FOUND', /no agreement urn:agreement:nope/);
    assert.equal(unknown.status, 404);
    const foreign = await refused(usage.authorizeTransfer(input('urn:agreement:open', 'did:web:intruder.example')), 'DS_USAGE_FOREIGN_AGREEMENT', /another consumer than did:web:intruder.example/);
    assert.equal(foreign.status, 403);
    assert.equal(await usage.usesOf('urn:agreement:nope'), 0);
  });

  it('refuses an agreement whose contract is revoked, naming the status', async () => {
    const e = await refused(usage.authorizeTransfer(input('urn:agreement:revoked')), 'DS_USAGE_CONTRACT_NOT_ACTIVE', /the agreement's contract is revoked/);
    assert.equal(e.status, 403);
    assert.deepEqual(await usage.recheck(input('urn:agreement:revoked')), { ok: false, code: 'DS_USAGE_CONTRACT_NOT_ACTIVE', status: 403, reason: "the agreement's contract is revoked" });
  });

  it('refuses personal data unless the transfer context checked a consent, saying a consent token is needed', async () => {
    await refused(usage.authorizeTransfer(input('urn:agreement:personal')), 'DS_USAGE_CONSENT_REQUIRED', /contains personal data: each transfer needs the person's consent, shown by a consent token/);
    assert.equal(await usage.usesOf('urn:agreement:personal'), 0);
    await usage.authorizeTransfer({ ...input('urn:agreement:personal'), consented: true });
    assert.equal(await usage.usesOf('urn:agreement:personal'), 1, 'a consented transfer of personal data is authorised and counted');
    assert.deepEqual(await usage.recheck({ ...input('urn:agreement:personal'), consented: true }), { ok: true });
    assert.equal((await usage.recheck(input('urn:agreement:personal'))).ok, false);
    await refused(usage.authorizeTransfer(input('urn:agreement:gone')), 'DS_USAGE_DATASET_NOT_FOUND', /no longer offered/);
  });

  it('admits in two steps: the reads first, then consume decides and counts; a denial found by the reads comes from consume', async () => {
    const admitted = await usage.admitTransfer({ agreementId: 'urn:agreement:open', consumerDid: CONSUMER });
    const uses = await usage.usesOf('urn:agreement:open');
    await admitted.consume({ transferId: 't-admitted' });
    assert.equal(await usage.usesOf('urn:agreement:open'), uses + 1, 'consume counts one use; admitting counted none');
    const revoked = await usage.admitTransfer({ agreementId: 'urn:agreement:revoked', consumerDid: CONSUMER });
    await refused(revoked.consume({ transferId: 't-revoked' }), 'DS_USAGE_CONTRACT_NOT_ACTIVE', /revoked/);
    const foreign = await usage.admitTransfer({ agreementId: 'urn:agreement:open', consumerDid: 'did:web:intruder.example' });
    await refused(foreign.consume({ transferId: 't-foreign' }), 'DS_USAGE_FOREIGN_AGREEMENT', /another consumer/);
    // The caller's own read of the dataset is the one judged (here it says personal data, the catalog port does not).
    const shared = await usage.admitTransfer({ agreementId: 'urn:agreement:open', consumerDid: CONSUMER, dataset: Promise.resolve({ containsPersonalData: true }) });
    await refused(shared.consume({ transferId: 't-shared' }), 'DS_USAGE_CONSENT_REQUIRED', /contains personal data/);
    await shared.consume({ transferId: 't-shared', consented: true });
    const gone = await usage.admitTransfer({ agreementId: 'urn:agreement:open', consumerDid: CONSUMER, dataset: Promise.resolve(undefined) });
    await refused(gone.consume({ transferId: 't-gone' }), 'DS_USAGE_DATASET_NOT_FOUND', /no longer offered/);
    assert.equal(await usage.usesOf('urn:agreement:open'), uses + 2, 'refusals consume nothing');
    // A failed read of the caller's is the admission's failure, not an unhandled rejection.
    await assert.rejects(usage.admitTransfer({ agreementId: 'urn:agreement:open', consumerDid: CONSUMER, dataset: Promise.reject(new Error('catalog down')) }), /catalog down/);
  });

  it('refuses a purpose the policy does not allow, naming the constraint', async () => {
    await refused(usage.authorizeTransfer(input('urn:agreement:purpose')), 'DS_USAGE_POLICY_DENIED', /purpose constraint: purpose eq research, the agreement's purpose is "marketing"/);
    assert.equal(await usage.usesOf('urn:agreement:purpose'), 0, 'a refusal consumes nothing');
  });

  it('refuses a policy it cannot evaluate', async () => {
    await refused(usage.authorizeTransfer(input('urn:agreement:bad')), 'DS_USAGE_POLICY_UNREADABLE', /cannot be evaluated/);
  });

  it('lets a time window lapse with the clock', async () => {
    await usage.authorizeTransfer(input('urn:agreement:until'));
    clock.set('2027-01-01T00:00:01Z');
    try {
      const r = await usage.recheck(input('urn:agreement:until'));
      assert.deepEqual(r, { ok: false, code: 'DS_USAGE_POLICY_DENIED', status: 403, reason: "the agreement's policy does not permit the use now: dateTime constraint: use allowed until 2026-12-31" });
      await refused(usage.authorizeTransfer(input('urn:agreement:until')), 'DS_USAGE_POLICY_DENIED', /use allowed until 2026-12-31/);
    } finally {
      clock.set('2026-06-01T12:00:00Z');
    }
  });

  it('counts uses: the fourth of three is refused, running ones still pass their recheck', async () => {
    for (let i = 0; i < 3; i += 1) await usage.authorizeTransfer(input('urn:agreement:count3'));
    const e = await refused(usage.authorizeTransfer(input('urn:agreement:count3')), 'DS_USAGE_COUNT_EXHAUSTED', /^count: 3 uses allowed, 3 used$/);
    assert.equal(e.status, 403);
    assert.equal(await usage.usesOf('urn:agreement:count3'), 3);
    assert.deepEqual(await usage.recheck(input('urn:agreement:count3')), { ok: true }, 'the third use is judged as the third, not a fourth');
  });

  it('never grants more uses than a count constraint allows under concurrency (independent connections)', async () => {
    const pools = await twoPools(engine, database);
    try {
      const usages = pools.dbs.map((d) => createUsage({ db: d.db, clock, logger: silentLogger(), ...w }));
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => usages[i % usages.length]!.authorizeTransfer(input('urn:agreement:count5'))));
      const granted = outcomes.filter((o) => o.status === 'fulfilled').length;
      const codes = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as AppError).code] : []));
      assert.equal(granted, 5);
      assert.deepEqual([...new Set(codes)], ['DS_USAGE_COUNT_EXHAUSTED']);
      assert.equal(await usages[0]!.usesOf('urn:agreement:count5'), 5);
    } finally {
      await pools.close();
    }
  });

  it('recheck lets a running use go on until its contract is revoked or its time window closes', async () => {
    const check = (agreementId: string) => usage.recheck({ agreementId, consumerDid: CONSUMER });
    assert.deepEqual([await check('urn:agreement:open'), await check('urn:agreement:until')], [{ ok: true }, { ok: true }]);
    w.statuses.set('urn:agreement:open', 'revoked');
    clock.set('2027-02-01T00:00:00Z');
    try {
      const [open, until] = [await check('urn:agreement:open'), await check('urn:agreement:until')];
      assert.deepEqual([open.ok, !open.ok && open.code, until.ok, !until.ok && until.code], [false, 'DS_USAGE_CONTRACT_NOT_ACTIVE', false, 'DS_USAGE_POLICY_DENIED']);
    } finally {
      clock.set('2026-06-01T12:00:00Z');
      w.statuses.set('urn:agreement:open', 'active');
    }
  });
});
