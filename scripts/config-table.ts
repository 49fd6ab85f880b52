// Prints the README's configuration table from CONFIG_KEYS (the single declaration of every key).
import { CONFIG_KEYS } from '../src/kernel/config.js';

export function configTable(): string {
  const rows = Object.values(CONFIG_KEYS).map((k) => {
    const def = k.default === undefined ? '' : `\`${Array.isArray(k.default) ? k.default.join(',') : String(k.default)}\``;
    return `| \`${k.env}\` | ${'flag' in k && k.flag ? `\`${k.flag}\`` : ''} | ${def} | ${k.description} |`;
  });
  return ['| variable | flag of `dases start` | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1]?.endsWith('config-table.ts')) process.stdout.write(`${configTable()}\n`);
