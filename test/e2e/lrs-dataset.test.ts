// Issue 8, learning data as a dataset: a query of the provider's LRS is offered in its catalog and transferred under
// an agreement with the transfer machinery, actors pseudonymised before the statements leave the provider.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startAll } from '../support/start-all.js';
import { startNodeProcess, type NodeProcess } from '../support/nodes.js';

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';

describe('an LRS query offered as a dataset and transferred', { timeout: 180_000 }, () => {
  let provider: NodeProcess;
  let consumer: NodeProcess;
  let basic = '';
  const course = `https://edtech.example/courses/${randomUUID()}`;

  before(async () => {
    [provider, consumer] = await startAll([startNodeProcess('edtech'), startNodeProcess('lab')], (n) => n.stop());
    assert.equal((await provider.api('POST', '/api/v1/participants', { did: consumer.did })).status, 201);
    assert.equal((await consumer.api('POST', '/api/v1/participants', { did: provider.did })).status, 201);
    const c = await provider.api('POST', '/api/v1/lrs/clients', { name: 'the edtech tool', scopes: ['statements/write'] });
    basic = `Basic ${Buffer.from(`${c.body.key}:${c.body.secret}`).toString('base64')}`;
  });
  after(async () => Promise.all([provider?.stop(), consumer?.stop()]));

  it('the research lab receives the completions of the course, pseudonymised, as NDJSON', async () => {
    const learners = ['lea@learners.example', 'kim@learners.example'];
    const statements = learners.flatMap((m, i) => [
      { actor: { mbox: `mailto:${m}`, name: `Learner ${i}` }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: `${course}/intro` }, context: { contextActivities: { parent: [{ id: course }] } } },
      { actor: { mbox: `mailto:${m}`, name: `Learner ${i}` }, verb: { id: COMPLETED }, object: { id: `${course}/final` }, context: { contextActivities: { parent: [{ id: course }] } } },
    ]);
    const posted = await fetch(`${provider.url}/xapi/statements`, { method: 'POST', headers: { authorization: basic, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' }, body: JSON.stringify(statements) });
    assert.equal(posted.status, 200, await posted.clone().text());
    const ids = (await posted.json()) as string[];

    // A filter the Statements resource would not take is refused in the catalog, naming it.
    const bad = await provider.api('POST', '/api/v1/datasets', { title: { en: 'x' }, distributions: [{ format: 'HttpData-PULL', source: { type: 'lrs', query: { verb: COMPLETED, format: 'exact' } } }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, '/body/distributions/0/source/query/format');

    const ds = await provider.api('POST', '/api/v1/datasets', {
      title: { en: 'Course completions (pseudonymised)', fr: 'Achèvements du cours (pseudonymisés)' },
      distributions: [{ format: 'HttpData-PULL', mediaType: 'application/x-ndjson', source: { type: 'lrs', query: { verb: COMPLETED, activity: course, related_activities: 'true' }, pseudonymise: true } }],
    });
    assert.equal(ds.status, 201, JSON.stringify(ds.body));
    const off = await provider.api('POST', '/api/v1/offerings', { title: 'Completions for research', datasets: [ds.body.id], policy: { '@type': 'Offer', permission: [{ action: 'use' }] } });
    assert.equal(off.status, 201);

    const res = await fetch(`${consumer.url}/api/v1/transfers/fetch`, {
      method: 'POST',
      headers: { 'x-api-key': consumer.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ counterPartyAddress: `${provider.url}/dsp`, counterPartyId: provider.did, datasetId: `urn:uuid:${ds.body.id}` }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const received = text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; verb: { id: string }; actor: Record<string, unknown> });
    assert.deepEqual(received.map((s) => s.id).sort(), [ids[1], ids[3]].sort(), 'the completions, and only them');
    for (const s of received) {
      assert.equal(s.verb.id, COMPLETED);
      assert.equal(s.actor.mbox, undefined, 'no e-mail address leaves the provider');
      assert.equal(s.actor.name, undefined, 'nor a name');
      assert.equal((s.actor.account as { homePage: string }).homePage, provider.url);
    }
    assert.doesNotMatch(text, /learners\.example|Learner /);
    const pseudonyms = received.map((s) => (s.actor.account as { name: string }).name);
    assert.equal(new Set(pseudonyms).size, 2, 'one stable pseudonym per learner');
  });
});
