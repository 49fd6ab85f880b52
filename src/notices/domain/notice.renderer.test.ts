import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy } from '../../policy/index.js';
import { buildNotice, type NoticeFacts } from './notice.builder.js';
import type { PrivacyNotice } from './notice.js';
import { renderNotice } from './notice.renderer.js';
import { policyFacts } from './policy-facts.js';

const policy = async (p: unknown) => {
  const r = await parsePolicy(p as Record<string, unknown>);
  assert.ok(r.ok);
  return policyFacts(r.value.policy);
};
const facts = async (): Promise<NoticeFacts> => ({
  processing: { datasetId: 'd1', offerId: 'urn:uuid:o1', consumerDid: 'did:web:ag.example', purpose: 'guidance' },
  dataset: { id: 'd1', title: { fr: 'Parcours de formation', en: 'Training records' }, personalData: { categories: ['identification', 'training results'], automatedDecisions: 'none', specialCategories: false } },
  controller: { did: 'did:web:tb.example', legalName: 'TB Formation', headquarters: 'FR-IDF', contact: 'contact@tb.example' },
  dpoContact: 'dpo@tb.example',
  consumer: { did: 'did:web:ag.example', legalName: 'Mission locale AG', country: 'CH' },
  policy: await policy({
    '@type': 'Offer',
    permission: [{ action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: [{ '@id': 'https://www.iso.org/obp/ui/#iso:code:3166:FR' }, 'CH'] }], duty: [{ action: 'delete', constraint: [{ leftOperand: 'elapsedTime', operator: 'gteq', rightOperand: { '@value': 'P1Y6M', '@type': 'http://www.w3.org/2001/XMLSchema#duration' } }] }] }],
  }),
  intermediary: { did: 'did:web:i.example', withdrawUrl: 'https://i.example/me/' },
});
const notice = (f: NoticeFacts): PrivacyNotice => ({ id: 'n1', version: 2, hash: `sha256:${'a'.repeat(64)}`, ...buildNotice(f), createdAt: '2026-11-24T10:00:00.000Z' });
const text = (r: ReturnType<typeof renderNotice>, id: string) => r.sections.find((s) => s.id === id)?.sentences.join(' ') ?? '';

describe('privacy notice in plain language', () => {
  it('has one section per Art. 13 field, in French and in English', async () => {
    const n = notice(await facts());
    for (const lang of ['fr', 'en'] as const) {
      const r = renderNotice(n, lang);
      assert.deepEqual(r.sections.map((s) => s.id), ['controller', 'dpo', 'purposes', 'data', 'recipients', 'transfers', 'retention', 'rights', 'withdrawal', 'complaint', 'requirement', 'automated']);
      assert.deepEqual(r.sections.map((s) => s.article).filter((a) => a.startsWith('Art. 13')).length, 11);
      for (const s of r.sections) {
        assert.ok(s.heading !== s.id && s.sentences.length > 0, `${lang} ${s.id}`);
        for (const sentence of s.sentences) assert.ok(sentence.length > 10 && !/undefined|\[object/.test(sentence), sentence);
      }
    }
  });

  it('says what the data says, in each language', async () => {
    const n = notice(await facts());
    const fr = renderNotice(n, 'fr');
    const en = renderNotice(n, 'en');
    assert.equal(fr.title, 'Information sur vos données : Parcours de formation');
    assert.equal(en.title, 'Privacy notice: Training records');
    assert.match(fr.versionLine, /^Version 2 du 24\/11\/2026/);
    assert.match(text(fr, 'purposes'), /Mission locale AG demande à recevoir vos données de « Parcours de formation » pour cette finalité : « guidance »/);
    assert.match(text(en, 'transfers'), /outside the European Economic Area, to Switzerland\./);
    assert.match(text(en, 'transfers'), /adequately/);
    assert.match(text(fr, 'transfers'), /Suisse/);
    assert.match(text(en, 'transfers'), /only in France or Switzerland/);
    assert.match(text(en, 'retention'), /delete your data 1 year and 6 months after the agreement/);
    assert.match(text(fr, 'retention'), /1 an et 6 mois/);
    assert.match(text(fr, 'withdrawal'), /https:\/\/i\.example\/me\//);
    assert.match(text(en, 'complaint'), /CNIL/);
    assert.match(text(en, 'automated'), /No decision about you is made by a machine alone/);
    assert.match(text(fr, 'data'), /identification et training results/);
    assert.match(text(en, 'requirement'), /Mission locale AG simply does not receive your data/);
  });

  it('tells the person plainly what the controller has not said', async () => {
    const f = await facts();
    const bare = notice({ ...f, dataset: { id: 'd1', title: { en: 'Records' } }, controller: { did: 'did:web:tb.example', legalName: 'TB' }, consumer: undefined, dpoContact: undefined as never, policy: await policy({ '@type': 'Offer', permission: [{ action: 'use' }] }), intermediary: { did: 'did:web:i.example' } });
    const en = renderNotice(bare, 'en');
    assert.match(text(en, 'retention'), /has not said how long/);
    assert.match(text(en, 'automated'), /has not said whether decisions/);
    assert.match(text(en, 'transfers'), /has not said whether your data leaves Europe/);
    assert.match(text(en, 'withdrawal'), /is not known/);
    assert.match(text(en, 'recipients'), /^did:web:ag\.example receives your data\./);
    const fr = renderNotice(bare, 'fr');
    assert.equal(fr.title, 'Information sur vos données : Records', 'a title in another language is used when there is none in French');
    assert.match(text(fr, 'dpo'), /n’a pas donné le contact/);
  });
});
