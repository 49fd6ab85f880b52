import type { Kysely } from 'kysely';
import { json, type DB } from '../../db/index.js';
import { AppError } from '../../kernel/index.js';
import type { ConnectionKind, ConnectionSecret, ConnectionSettings } from '../domain/connection.js';
import type { Sealer } from '../app/ports.js';

/** A connection as the management API shows it: the secret only as `hasSecret`. */
export interface ConnectionView {
  name: string;
  kind: ConnectionKind;
  url: string;
  headerNames?: string[];
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Connections with their secrets sealed under the master key (aad = name: a ciphertext moved to another row fails). */
export class SqlConnectionStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly sealer: Sealer,
  ) {}

  /** In `tx` when given, so an audit record and the change commit together. */
  async put(name: string, settings: ConnectionSettings, secret: ConnectionSecret | undefined, now: Date, tx: Kysely<DB> = this.db): Promise<ConnectionView> {
    const sealed = secret ? this.sealer.seal(JSON.stringify(secret), name) : null;
    const row = await tx
      .insertInto('connections')
      .values({ name, kind: settings.kind, settings: json(settings), secret_sealed: sealed, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ kind: settings.kind, settings: json(settings), secret_sealed: sealed, updated_at: now }))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toView(row);
  }

  async list(): Promise<ConnectionView[]> {
    return (await this.db.selectFrom('connections').selectAll().orderBy('name').execute()).map(toView);
  }

  async get(name: string): Promise<ConnectionView | undefined> {
    const row = await this.db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toView(row) : undefined;
  }

  async delete(name: string, tx: Kysely<DB> = this.db): Promise<boolean> {
    const r = await tx.deleteFrom('connections').where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** For the data plane only: the settings and the opened secret of a connection of the expected kind. */
  async resolve<K extends ConnectionKind>(name: string, kind: K): Promise<{ settings: Extract<ConnectionSettings, { kind: K }>; secret: Extract<ConnectionSecret, { kind: K }> | undefined }> {
    const row = await this.db.selectFrom('connections').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row || row.kind !== kind) throw new AppError('DS_DATAPLANE_CONNECTION_NOT_FOUND', `no ${kind} connection named "${name}"`, [{ path: '/connection', message: `no ${kind} connection "${name}"` }]);
    const secret = row.secret_sealed === null ? undefined : (JSON.parse(this.sealer.open(row.secret_sealed, name)) as Extract<ConnectionSecret, { kind: K }>);
    return { settings: row.settings as Extract<ConnectionSettings, { kind: K }>, secret };
  }
}

function toView(row: { name: string; kind: ConnectionKind; settings: unknown; secret_sealed: string | null; created_at: Date; updated_at: Date }): ConnectionView {
  const s = row.settings as ConnectionSettings;
  return {
    name: row.name,
    kind: row.kind,
    url: s.kind === 'http' ? s.baseUrl : s.displayUrl,
    ...(s.kind === 'http' ? { headerNames: s.headerNames } : {}),
    hasSecret: row.secret_sealed !== null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
