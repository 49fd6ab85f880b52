import assert from 'node:assert/strict';
import { it } from 'node:test';
import { callbackAddressOf } from './callback-address.js';

it('accepts a callback on the participant registered origin and refuses anything else, saying why', () => {
  const dsp = 'http://127.0.0.1:4001/dsp';
  assert.deepEqual(callbackAddressOf('http://127.0.0.1:4001/dsp/', dsp), { ok: true, url: 'http://127.0.0.1:4001/dsp' });
  assert.deepEqual(callbackAddressOf('https://b.example/dsp', undefined), { ok: true, url: 'https://b.example/dsp' });
  const why = (a: string) => {
    const r = callbackAddressOf(a, dsp);
    return r.ok ? 'accepted' : r.why;
  };
  assert.equal(why('not a url'), 'must be an absolute URL');
  assert.equal(why('ftp://127.0.0.1:4001/dsp'), 'must be an http(s) URL');
  assert.equal(why('http://u:p@127.0.0.1:4001/dsp'), 'must carry no credentials, query or fragment');
  assert.equal(why('http://127.0.0.1:4001/dsp?x=1'), 'must carry no credentials, query or fragment');
  assert.equal(why('http://127.0.0.1:9/dsp'), "must be on the participant's registered origin http://127.0.0.1:4001");
});
