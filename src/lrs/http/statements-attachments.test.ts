import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { CompactSign, importPKCS8 } from 'jose';
import { forEachEngine } from '../../../test/support/databases.js';
import { boundaryOf, buildMultipart, parseMultipart, type Part } from '../domain/multipart.js';
import { withLrsHarness, type LrsHarness } from '../testing/lrs-harness.js';
import { TEST_SIGNER_KEY_PEM, TEST_SIGNER_X5C } from '../testing/signing-fixture.js';
import { problem, statement, uuid, VERSIONS } from '../testing/statement-fixtures.js';

/** Attachments in multipart/mixed with SHA-2 checks, and signed statements (requirement ids in names). */
const SIGNATURE = 'http://adlnet.gov/expapi/attachments/signature';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const meta = (content: Buffer, over: Record<string, unknown> = {}) => ({ usageType: 'http://example.org/attachment/report', display: { 'en-US': 'report' }, contentType: 'text/plain', length: content.length, sha2: sha256(content), ...over });
const filePart = (content: Buffer, hash = sha256(content), extra: Record<string, string> = {}): Part => ({ headers: { 'Content-Type': 'text/plain', 'Content-Transfer-Encoding': 'binary', 'X-Experience-API-Hash': hash, ...extra }, body: content });

async function sign(s: Record<string, unknown>, opts: { x5c?: boolean; alg?: string } = {}): Promise<string> {
  const key = await importPKCS8(TEST_SIGNER_KEY_PEM, 'RS256');
  const header = { alg: opts.alg ?? 'RS256', ...(opts.x5c === false ? {} : { x5c: [TEST_SIGNER_X5C] }) };
  return new CompactSign(Buffer.from(JSON.stringify(s))).setProtectedHeader(header).sign(key);
}

forEachEngine('LRS statements: attachments and signatures', (engine) => {
  let h: LrsHarness;
  withLrsHarness(engine, (x) => (h = x));

  for (const version of VERSIONS) {
    describe(`xAPI ${version}`, () => {
      const n = version === '1.0.3' ? 0 : 1000;
      const send = (statements: unknown, parts: Part[], method: 'POST' | 'PUT' = 'POST', url = '/xapi/statements') => {
        const boundary = 'xapi-boundary-1';
        const payload = buildMultipart(boundary, [{ headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(statements)) }, ...parts]);
        return h.app.inject({ method, url, headers: { authorization: h.auth.all, 'x-experience-api-version': version, 'content-type': `multipart/mixed; boundary=${boundary}` }, payload });
      };

      test('XAPI-00167 an attachment posted in multipart/mixed comes back with attachments=true', async () => {
        const content = Buffer.from(`hello from ${version}`);
        const res = await send([statement({ id: uuid(n + 1), attachments: [meta(content)] })], [filePart(content)]);
        assert.equal(res.statusCode, 200, res.body);
        const got = await h.app.inject({ method: 'GET', url: `/xapi/statements?statementId=${uuid(n + 1)}&attachments=true`, headers: { authorization: h.auth.all, 'x-experience-api-version': version } });
        assert.equal(got.statusCode, 200);
        const type = String(got.headers['content-type']);
        assert.match(type, /^multipart\/mixed/);
        const parts = parseMultipart(got.rawPayload, boundaryOf(type) ?? '') ?? [];
        assert.equal(parts.length, 2);
        assert.equal(JSON.parse(parts[0]?.body.toString() ?? '{}').id, uuid(n + 1));
        assert.equal(parts[1]?.headers['x-experience-api-hash'], sha256(content));
        assert.equal(parts[1]?.body.toString(), content.toString());
        // XAPI-00161: attachments=false answers JSON only.
        const plain = await h.app.inject({ method: 'GET', url: `/xapi/statements?statementId=${uuid(n + 1)}&attachments=false`, headers: { authorization: h.auth.all, 'x-experience-api-version': version } });
        assert.match(String(plain.headers['content-type']), /^application\/json/);
        // The query form: one JSON part, then each attachment once.
        const q = await h.app.inject({ method: 'GET', url: '/xapi/statements?attachments=true', headers: { authorization: h.auth.all, 'x-experience-api-version': version } });
        assert.equal((parseMultipart(q.rawPayload, boundaryOf(String(q.headers['content-type'])) ?? '') ?? []).length >= 2, true);
      });

      test('a part whose bytes do not match its hash is refused, and nothing is stored', async () => {
        const content = Buffer.from('tampered');
        const res = await send([statement({ id: uuid(n + 2), attachments: [meta(content)] })], [filePart(Buffer.from('other bytes'), sha256(content))]);
        assert.deepEqual(problem(res), { status: 400, code: 'DS_LRS_ATTACHMENT_INVALID', paths: ['/body/parts/1/headers/x-experience-api-hash', '/body/0/attachments/0/sha2'] });
        assert.equal((await h.app.inject({ method: 'GET', url: `/xapi/statements?statementId=${uuid(n + 2)}`, headers: { authorization: h.auth.all, 'x-experience-api-version': version } })).statusCode, 404);
      });

      test('an attachment without fileUrl needs its part; a fileUrl alone is fine; undeclared parts are refused', async () => {
        const content = Buffer.from('missing');
        const missing = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': version }, payload: statement({ attachments: [meta(content)] }) });
        assert.deepEqual(problem(missing), { status: 400, code: 'DS_LRS_ATTACHMENT_INVALID', paths: ['/body/attachments/0/sha2'] });
        const byUrl = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': version }, payload: statement({ attachments: [meta(content, { fileUrl: 'https://example.org/files/1' })] }) });
        assert.equal(byUrl.statusCode, 200);
        const extra = await send(statement(), [filePart(Buffer.from('stray'))]);
        assert.deepEqual(problem(extra).paths, ['/body/parts']);
      });

      test('a malformed multipart body or a first part that is not JSON is refused', async () => {
        const res = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': version, 'content-type': 'multipart/mixed; boundary=zz' }, payload: 'no parts here' });
        assert.equal(problem(res).code, 'DS_LRS_ATTACHMENT_INVALID');
        const boundary = 'b1';
        const payload = buildMultipart(boundary, [filePart(Buffer.from('x'))]);
        const notJson = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': version, 'content-type': `multipart/mixed; boundary=${boundary}` }, payload });
        assert.deepEqual(problem(notJson).paths, ['/body/parts/0/headers/content-type']);
      });

      test('signed statements: a valid RS256 JWS with x5c is accepted and its signature returned', async () => {
        const s = statement({ id: uuid(n + 3) });
        const jws = Buffer.from(await sign(s));
        const signed = { ...s, attachments: [meta(jws, { usageType: SIGNATURE, contentType: 'application/octet-stream' })] };
        const res = await send(signed, [filePart(jws, sha256(jws), { 'Content-Type': 'application/octet-stream' })]);
        assert.equal(res.statusCode, 200, res.body);
      });

      test('signed statements: a payload that is another statement, a forged signature or a bad algorithm → 400', async () => {
        const s = statement({ id: uuid(n + 4) });
        const cases: Array<[string, Buffer]> = [
          ['other payload', Buffer.from(await sign({ ...s, verb: { id: 'http://x.org/other' } }))],
          ['forged', Buffer.from(`${(await sign(s)).slice(0, -4)}AAAA`)],
          ['HS256', Buffer.from(`${Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url')}.${Buffer.from(JSON.stringify(s)).toString('base64url')}.c2ln`)],
          ['not a JWS', Buffer.from('hello')],
        ];
        for (const [what, jws] of cases) {
          const signed = { ...s, attachments: [meta(jws, { usageType: SIGNATURE, contentType: 'application/octet-stream' })] };
          const res = await send(signed, [filePart(jws, sha256(jws), { 'Content-Type': 'application/octet-stream' })]);
          assert.deepEqual(problem(res), { status: 400, code: 'DS_LRS_SIGNATURE_INVALID', paths: ['/body/attachments/0'] }, what);
        }
        // Without x5c the LRS cannot check the key, but still checks the payload.
        const jws = Buffer.from(await sign(s, { x5c: false }));
        const ok = await send({ ...s, attachments: [meta(jws, { usageType: SIGNATURE, contentType: 'application/octet-stream' })] }, [filePart(jws, sha256(jws), { 'Content-Type': 'application/octet-stream' })]);
        assert.equal(ok.statusCode, 200, ok.body);
      });
    });
  }
});
