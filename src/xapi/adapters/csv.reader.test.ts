import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvSyntaxError, readCsv } from './csv.reader.js';

async function rows(chunks: string[], delimiter?: string) {
  const out = [];
  for await (const r of readCsv((async function* () { yield* chunks; })(), delimiter)) out.push(r);
  return out;
}

describe('CSV reader', () => {
  it('reads quoted fields, doubled quotes, embedded line breaks, CRLF and blank lines with their line numbers', async () => {
    const text = '\ufeffa,b,c\r\n1,"x, ""y""",3\r\n\r\n2,"multi\nline",\n3,,"z"';
    const expected = [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, "y"', '3'] },
      { line: 4, fields: ['2', 'multi\nline', ''] },
      { line: 6, fields: ['3', '', 'z'] },
    ];
    assert.deepEqual(await rows([text]), expected);
    // Every split point between chunks gives the same rows.
    for (let i = 1; i < text.length; i++) assert.deepEqual(await rows([text.slice(0, i), text.slice(i)]), expected, `split at ${i}`);
  });

  it('takes another delimiter and names the line of a syntax error', async () => {
    assert.deepEqual(await rows(['a;b\n1;2\n'], ';'), [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', '2'] }]);
    await assert.rejects(rows(['a,b\n1,"open\n']), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2);
    await assert.rejects(rows(['a,b\n1,x"y\n']), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2);
  });
});
