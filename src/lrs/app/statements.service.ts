import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type Clock, type IdGenerator } from '../../kernel/index.js';
import type { StatementFilter, StatementQuery } from '../domain/statement-query.js';
import { activitiesOf, type Statement } from '../domain/statement.prepare.js';
import { readActivityDefinitions } from '../adapters/sql-document.store.js';
import type { Cursor, RecordActivityDefinitions, StatementStore, StoredStatement } from './ports.js';
import { iterateStatements, queryPage, type Page } from './query-statements.js';
import { createStatementWriter } from './statement-writer.js';
import { checkRequest, type StoreInput } from './store-statements.js';

/** The Statements resource's use cases, behind the HTTP routes and the data plane's NDJSON streaming. */
export function createStatementsService(deps: { db: Kysely<DB>; clock: Clock; ids: IdGenerator; store: StatementStore; recordActivityDefinitions?: RecordActivityDefinitions | undefined }) {
  const { store } = deps;
  const writer = createStatementWriter(deps);
  return {
    /** Checks a request, then stores it all or nothing through the group-committing writer; answers the ids. */
    store: async (input: StoreInput): Promise<string[]> => writer.write(await checkRequest(input)),

    /** The instant through which every stored statement is visible (the consistency header of GET statements). */
    consistentThrough: (): Date => writer.consistentThrough(),

    /** GET ?statementId (not voided) or ?voidedStatementId (voided only): XAPI-00018, 00155, 00156, 00163. */
    async single(id: string, voided: boolean): Promise<StoredStatement> {
      const s = await store.get(id);
      if (!s || s.voided !== voided) {
        const name = voided ? 'voidedStatementId' : 'statementId';
        throw new AppError('DS_LRS_STATEMENT_NOT_FOUND', voided ? `no voided statement ${id}` : `no statement ${id} (or it was voided)`, [{ path: `/query/${name}`, message: 'not found' }]);
      }
      return s;
    },

    page: (query: StatementQuery, after?: Cursor): Promise<Page> => queryPage(store, query, after),

    attachments: (hashes: string[]) => store.attachments(hashes),

    /** The canonical definitions (kept by the Activities resource) of the activities in these statements. */
    async definitionsFor(statements: StoredStatement[]): Promise<Map<string, Record<string, unknown>>> {
      const ids = [...new Set(statements.flatMap((s) => activitiesOf(s.statement).map((a) => a.id)).filter((id): id is string => typeof id === 'string'))];
      return ids.length ? readActivityDefinitions(deps.db, ids) : new Map();
    },

    async *query(filter: StatementFilter, opts: { pageSize?: number } = {}): AsyncIterable<Statement> {
      for await (const s of iterateStatements(store, filter, opts.pageSize)) yield s.statement;
    },
  };
}

export type StatementsService = ReturnType<typeof createStatementsService>;
