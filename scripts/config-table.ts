// `npm run docs:config`: rewrites the README's configuration table from CONFIG_KEYS, the single declaration of
// every key. A test fails when the README lacks a key.
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIG_KEYS } from '../src/kernel/config.js';

export function configTable(): string {
  const rows = Object.values(CONFIG_KEYS).map((k) => {
    const def = k.default === undefined ? '' : `\`${Array.isArray(k.default) ? k.default.join(',') : String(k.default)}\``;
    return `| \`${k.env}\` | ${'flag' in k && k.flag ? `\`${k.flag}\`` : ''} | ${def} | ${k.description} |`;
  });
  return ['| variable | flag of `dases start` | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1]?.endsWith('config-table.ts')) {
  const readme = new URL('../README.md', import.meta.url);
  const text = readFileSync(readme, 'utf8');
  const updated = text.replace(/(<!-- config-table:start[^>]*-->\n)[\s\S]*?(\n<!-- config-table:end -->)/, `$1${configTable()}$2`);
  writeFileSync(readme, updated);
}
