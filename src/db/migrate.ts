import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

/** migrations/ at the package root, from src/db (tsx) and dist/db (built) alike. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

// Any constant works; it only has to be the same for every process sharing the database.
const MIGRATION_LOCK = 4_372_019_331;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

/**
 * Applies the versioned, forward-only migrations not yet recorded, in order, in one transaction under an
 * advisory lock, so several processes starting together on one database apply each migration exactly once.
 * A recorded migration whose file changed since is refused: migrations are never edited after release.
 */
export async function migrate(database: Database, migrations = loadMigrations()): Promise<number[]> {
  return database.scriptTransaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`);
    const applied = new Map(
      (await tx.query<{ version: number; checksum: string }>('select version, checksum from schema_migrations')).map((r) => [
        r.version,
        r.checksum,
      ]),
    );
    const done: number[] = [];
    for (const m of migrations) {
      const seen = applied.get(m.version);
      if (seen !== undefined) {
        if (seen !== m.checksum) throw new Error(`migration ${m.version}_${m.name} was edited after it was applied`);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [m.version, m.name, m.checksum]);
      done.push(m.version);
    }
    return done;
  });
}
