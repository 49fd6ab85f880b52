import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../kernel/index.js';
import { didDocumentUrl, didFromUrl } from './did-web.js';

describe('did:web mapping', () => {
  it('derives a DID from a node URL, port percent-encoded and path segments colon-separated', () => {
    assert.equal(didFromUrl('http://127.0.0.1:3000'), 'did:web:127.0.0.1%3A3000');
    assert.equal(didFromUrl('https://x.org/nodes/a'), 'did:web:x.org:nodes:a');
    assert.equal(didFromUrl('https://x.org/'), 'did:web:x.org');
  });

  it('locates the DID document: /.well-known for a bare host, <path>/did.json otherwise', () => {
    assert.equal(didDocumentUrl('did:web:127.0.0.1%3A3000'), 'http://127.0.0.1:3000/.well-known/did.json');
    assert.equal(didDocumentUrl('did:web:x.org:nodes:a'), 'https://x.org/nodes/a/did.json');
    assert.equal(didDocumentUrl('did:web:x.org%3A8443'), 'https://x.org:8443/.well-known/did.json');
    assert.equal(didDocumentUrl('did:web:localhost%3A9'), 'http://localhost:9/.well-known/did.json');
  });

  it('round-trips URL -> DID -> document URL', () => {
    assert.equal(didDocumentUrl(didFromUrl('https://edu.example.eu/dases')), 'https://edu.example.eu/dases/did.json');
  });

  for (const [did, why] of [
    ['did:key:z6Mk', 'other method'],
    ['did:web:', 'no host'],
    ['did:web:x.org::a', 'empty segment'],
    ['did:web:x.org/a', 'slash'],
    ['did:web:x.org#k', 'fragment'],
    ['did:web:exa mple.org', 'space in host'],
  ]) {
    it(`refuses ${did} (${why}) with DS_IDENTITY_INVALID_DID naming the field`, () => {
      assert.throws(
        () => didDocumentUrl(did!, '/body/did'),
        (e: unknown) => e instanceof AppError && e.code === 'DS_IDENTITY_INVALID_DID' && e.errors?.[0]?.path === '/body/did',
      );
    });
  }

  it('refuses URLs that are not http(s) node URLs', () => {
    for (const url of ['ftp://x.org', 'not a url', 'https://u:p@x.org', 'https://x.org/?q=1', 'https://x.org/.well-known/did.json']) {
      assert.throws(
        () => didFromUrl(url, '/body/url'),
        (e: unknown) => e instanceof AppError && e.code === 'DS_IDENTITY_INVALID_DID' && e.errors?.[0]?.path === '/body/url',
        url,
      );
    }
  });
});
