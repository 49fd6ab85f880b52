import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canConfirm, formatLinkCode, LINK_CODE_TTL_MS, normaliseLinkCode } from './link.js';

describe('link codes and confirmation', () => {
  it('formats 12 Crockford base32 symbols in three groups', () => {
    const code = formatLinkCode(Uint8Array.from({ length: 12 }, (_, i) => i * 37));
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(formatLinkCode(new Uint8Array(12)), '0000-0000-0000');
    assert.equal(formatLinkCode(new Uint8Array(12).fill(255)), 'ZZZZ-ZZZZ-ZZZZ');
    assert.throws(() => formatLinkCode(new Uint8Array(11)), RangeError);
  });

  it('reads a typed code regardless of case, dashes, spaces and O/I/L confusions', () => {
    assert.equal(normaliseLinkCode('ab12-cd34-ef56'), 'AB12CD34EF56');
    assert.equal(normaliseLinkCode(' AB12 CD34 EF56 '), 'AB12CD34EF56');
    assert.equal(normaliseLinkCode('0OIL-1111-2222'), '00111111' + '2222');
    assert.equal(normaliseLinkCode('AB12-CD34-EF5'), undefined, 'too short');
    assert.equal(normaliseLinkCode('AB12-CD34-EF5U'), undefined, 'U is not in the alphabet');
  });

  it('lets only the named participant confirm, and only before the code expires', () => {
    const opened = new Date('2026-03-01T12:00:00Z');
    const link = { status: 'pending' as const, participantDid: 'did:web:tb', codeExpiresAt: new Date(opened.getTime() + LINK_CODE_TTL_MS) };
    assert.equal(canConfirm(link, 'did:web:tb', new Date(opened.getTime() + LINK_CODE_TTL_MS - 1)), undefined);
    assert.equal(canConfirm(link, 'did:web:ag', opened), 'wrong-participant');
    assert.equal(canConfirm(link, 'did:web:tb', new Date(opened.getTime() + LINK_CODE_TTL_MS)), 'expired');
    assert.equal(LINK_CODE_TTL_MS, 15 * 60 * 1000);
  });
});
