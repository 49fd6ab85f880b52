import assert from 'node:assert/strict';
import { it } from 'node:test';
import { destinationOf } from './transfers.command.js';

it('turns --to into a data destination, and refuses anything else', () => {
  assert.equal(destinationOf(undefined), undefined);
  assert.deepEqual(destinationOf('file:/srv/in/traces.ndjson'), { type: 'file', path: '/srv/in/traces.ndjson' });
  assert.deepEqual(destinationOf('folder:./inbox'), { type: 'folder', path: './inbox' });
  assert.deepEqual(destinationOf('https://lms.example/import', 'lms'), { type: 'rest', url: 'https://lms.example/import', connection: 'lms' });
  assert.deepEqual(destinationOf('http://127.0.0.1:8080/in'), { type: 'rest', url: 'http://127.0.0.1:8080/in' });
  assert.throws(() => destinationOf('ftp://x/y'), /file:<path>, folder:<path> or an http\(s\) URL/);
  assert.throws(() => destinationOf('file:'), /--to must be/);
});
