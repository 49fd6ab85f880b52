import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSignUp, loginKey, pickLanguage } from './account.rules.js';

describe('account rules', () => {
  it('keys logins case-insensitively and across Unicode compatibility forms', () => {
    assert.equal(loginKey('Léa.Martin'), loginKey('LÉA.MARTIN'));
    assert.equal(loginKey('ｌea'), loginKey('LEA'), 'full-width letters are the same login');
    assert.notEqual(loginKey('lea'), loginKey('léa'));
  });

  it('accepts logins of 3 to 100 and passwords of 10 to 200 characters, counted as code points', () => {
    assert.deepEqual(checkSignUp({ login: 'léa', password: 'x'.repeat(10) }), []);
    assert.deepEqual(checkSignUp({ login: 'l'.repeat(100), password: '😀'.repeat(200) }), [], 'emoji count as one character each');
    assert.deepEqual(checkSignUp({ login: 'ab', password: 'x'.repeat(10) }, '/body'), [{ path: '/body/login', message: 'must be 3 to 100 characters' }]);
    assert.deepEqual(checkSignUp({ login: 'l'.repeat(101), password: 'x'.repeat(9) }, '/body').map((e) => e.path), ['/body/login', '/body/password']);
    assert.deepEqual(checkSignUp({ login: 'lea', password: 'x'.repeat(201) }).map((e) => e.path), ['/password']);
  });

  it('refuses control characters, padded logins and blank names', () => {
    assert.deepEqual(checkSignUp({ login: 'le\u0000a', password: 'x'.repeat(10) }).map((e) => e.path), ['/login']);
    assert.deepEqual(checkSignUp({ login: ' lea', password: 'x'.repeat(10) }).map((e) => e.path), ['/login']);
    assert.deepEqual(checkSignUp({ login: 'lea', password: 'x'.repeat(10), name: '   ' }).map((e) => e.path), ['/name']);
    assert.deepEqual(checkSignUp({ login: 'lea', password: 'x'.repeat(10), name: 'Léa\nMartin' }).map((e) => e.path), ['/name']);
  });

  it('picks the asked language, else the preferred one of ours from Accept-Language, else English', () => {
    assert.equal(pickLanguage('fr', 'en-GB'), 'fr');
    assert.equal(pickLanguage(undefined, 'fr-FR,fr;q=0.9,en;q=0.8'), 'fr');
    assert.equal(pickLanguage(undefined, 'de-DE, en;q=0.5, fr;q=0.7'), 'fr', 'by weight, skipping languages we lack');
    assert.equal(pickLanguage(undefined, 'fr;q=0, en;q=0.1'), 'en', 'q=0 means not acceptable');
    assert.equal(pickLanguage(undefined, 'de'), 'en');
    assert.equal(pickLanguage(undefined, undefined), 'en');
  });
});
