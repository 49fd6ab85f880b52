/** A context imports another only through its index.ts; domain code does no I/O. `npm run check` enforces both. */
const CONTEXTS = '(identity|participants|catalog|policy|dsp|federation|contracts|negotiation|rulebook|outbox|transfer|dataplane|usage|receipts|consent|ledger|lrs|skills)';
module.exports = {
  forbidden: [
    {
      name: 'context-only-through-index',
      comment: 'Import another bounded context only through its index.ts',
      severity: 'error',
      from: { path: `^src/${CONTEXTS}/` },
      to: {
        path: `^src/${CONTEXTS}/.+`,
        pathNot: [`^src/$1/`, `^src/${CONTEXTS}/index\\.ts$`],
      },
    },
    {
      name: 'outside-only-through-index',
      comment: 'Kernel-level and composition code use contexts through their index.ts only',
      severity: 'error',
      from: { path: '^src/(node|cli|kernel|db)/' },
      to: { path: `^src/${CONTEXTS}/.+`, pathNot: `^src/${CONTEXTS}/index\\.ts$` },
    },
    {
      name: 'kernel-and-db-depend-on-no-context',
      severity: 'error',
      from: { path: '^src/(kernel|db)/' },
      to: { path: `^src/(${CONTEXTS.slice(1, -1)}|node|cli)/` },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds types, state machines and evaluation: no database, HTTP or file system',
      severity: 'error',
      from: { path: `^src/[^/]+/domain/` },
      to: { path: ['^src/db/', '^src/[^/]+/(adapters|http)/', 'node_modules/(kysely|pg|@electric-sql|fastify)', '^(fs|node:fs|http|node:http|net|node:net)$'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$' },
  },
};
