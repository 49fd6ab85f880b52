// The consent check on the exchange path (issue 7): `consent.check(token, …)` at the provider, i.e. the token's
// signature (EdDSA), expiry, audience, recipient, dataset and purpose, and the consent's status as the
// intermediary's signed notices told it. Target: p50 under 1 ms. Printed beside a baseline measured in the same
// run: one bare jose EdDSA verify of the same token. Embedded PGlite (the status is read from the database at most
// every 200 ms per consent; in between it is served from memory). Run: node --import tsx bench/consent.ts
import { compactVerify, importJWK } from 'jose';
import { ManualClock } from '../src/kernel/index.js';
import { CONSENT_RECEIPT_TYP, CONSENT_TOKEN_TYP, applyEvent, newRecord, type ConsentReceiptPayload } from '../src/consent/index.js';
import { startHarness } from '../src/consent/testing/consent-harness.js';
import { testKey } from '../src/consent/testing/consent-kit.js';
import { measure, percentile, printTable } from './stats.js';

const I = 'did:web:intermediary.example';
const TB = 'did:web:training-body.example';
const AG = 'did:web:agency.example';
const DS = 'urn:uuid:8f1c2a9e-0d3b-4c55-9a7e-2f1e6b0c4d21';
const N = Number(process.env.DASES_BENCH_CONSENT_N ?? 20_000);
const CONSENTS = 64;

async function main(): Promise<void> {
  const clock = new ManualClock(new Date());
  const iKey = await testKey(I);
  const tb = await startHarness({ engine: 'pglite', clock, did: TB, intermediary: false, parties: [I, AG], resolver: { resolve: async (did) => (did === I ? iKey.didDocument : { id: did, verificationMethod: [] }) } });
  try {
    const notice = { id: 'urn:uuid:notice-1', version: 1, hash: `sha256:${'c'.repeat(64)}` };
    const tokens: string[] = [];
    const now = Math.floor(clock.now().getTime() / 1000);
    for (let i = 0; i < CONSENTS; i++) {
      const id = `urn:uuid:consent-${i}`;
      const requested = newRecord({ recordId: id, principalId: `urn:uuid:p-${i}`, intermediaryDid: I, providerDid: TB, consumerDid: AG, datasetId: DS, purpose: 'guidance', notice, piiCategories: ['training records'], withdrawalUrl: 'https://intermediary.example/me/', at: clock.now() });
      const { record, event } = applyEvent(requested, { action: 'grant', state: 'granted', reconfirmationRequired: false, at: clock.now(), validUntil: new Date(clock.now().getTime() + 86_400_000), notice });
      const payload: ConsentReceiptPayload = { type: 'dases:ConsentReceipt', consentId: id, seq: 1, record, event, previous: null, signer: { did: I, kid: iKey.kid, publicKeyJwk: iKey.publicKeyJwk as ConsentReceiptPayload['signer']['publicKeyJwk'] } };
      const receipt = await iKey.sign(JSON.parse(JSON.stringify(payload)) as object, CONSENT_RECEIPT_TYP);
      const res = await tb.app.inject({ method: 'POST', url: '/dsp/consents/notices', headers: { authorization: `Bearer ${tb.nodeToken(I)}` }, payload: { receipt } });
      if (res.statusCode !== 200) throw new Error(`notice refused: ${res.body}`);
      tokens.push(await iKey.sign({ iss: I, aud: TB, azp: AG, sub: `tb-${i}`, cid: id, dataset: DS, purpose: 'guidance', iat: now, exp: now + 300, jti: `j-${i}` }, CONSENT_TOKEN_TYP));
    }
    const expect = { consumerDid: AG, datasetId: DS, purpose: 'guidance' };
    const key = await importJWK({ ...iKey.publicKeyJwk, alg: 'EdDSA' }, 'EdDSA');
    const baseline = await measure(N, 2000, (i) => compactVerify(tokens[i % CONSENTS]!, key, { algorithms: ['EdDSA'] }));
    const checks = await measure(N, 2000, (i) => tb.consent.check(tokens[i % CONSENTS]!, expect));
    const b50 = percentile(baseline, 50);
    printTable('Consent check at the provider (issue 7)', [
      { what: 'baseline: one jose EdDSA compactVerify of the token', p50: b50, p95: percentile(baseline, 95) },
      { what: `consent.check (${CONSENTS} consents, status from notices)`, p50: percentile(checks, 50), p95: percentile(checks, 95), baselineP50: b50, target: '< 1 ms p50' },
    ]);
    const p50 = percentile(checks, 50);
    process.stdout.write(`\nconsent.check p50 ${p50.toFixed(3)} ms: ${p50 < 1 ? 'meets' : 'MISSES'} the 1 ms target\n`);
    if (p50 >= 1) process.exitCode = 1;
  } finally {
    await tb.close();
  }
}

await main();
