import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickLanguage } from './language.js';

describe('the dashboard language', () => {
  it('follows Accept-Language with quality values and region subtags', () => {
    assert.equal(pickLanguage('en-GB,en;q=0.9,fr;q=0.8'), 'en');
    assert.equal(pickLanguage('fr-FR,fr;q=0.9,en;q=0.5'), 'fr');
    assert.equal(pickLanguage('de-DE,de;q=0.9,en;q=0.7,fr;q=0.6'), 'en', 'the best language it speaks');
    assert.equal(pickLanguage('fr;q=0.4, en;q=0.6'), 'en');
    assert.equal(pickLanguage('en;q=0, fr;q=0.1'), 'fr', 'q=0 means not acceptable');
  });
  it('falls back to French, and lets the explicit choice win', () => {
    assert.equal(pickLanguage(undefined), 'fr');
    assert.equal(pickLanguage('de, es'), 'fr');
    assert.equal(pickLanguage('*'), 'fr');
    assert.equal(pickLanguage('fr', 'en'), 'en');
    assert.equal(pickLanguage('en', 'xx'), 'en', 'an unknown choice is ignored');
  });
});
