export { openDatabase, type Database, type DatabaseOptions, type ScriptTx } from './database.js';
export { migrate, loadMigrations, MIGRATIONS_DIR, type Migration } from './migrate.js';
export type * from './schema.js';
export { json } from './json.js';
export { withLease } from './lease.js';
export { leasedJob, type LeasedJob } from './leased-job.js';
