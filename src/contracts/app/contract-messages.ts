import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Logger } from '../../kernel/index.js';
import type { ContractDocument } from '../domain/contract-document.js';
import type { ContractDirectory, OutboxPort } from './contracts.ports.js';

export const TOPICS = { proposal: 'contracts.proposal', signatures: 'contracts.signatures', notice: 'contracts.notice' } as const;

/** The DSP paths of the contract protocol between parties' nodes. */
export const DSP_PATHS = {
  proposals: '/dsp/contracts/proposals',
  contract: '/dsp/contracts/:id',
  signatures: '/dsp/contracts/:id/signatures',
  notices: '/dsp/contracts/:id/notices',
} as const;

export type Endpoints = Map<string, string>;

/**
 * Messages to the other parties' nodes, enqueued in the transaction that makes the change (so they leave if and
 * only if it commits). Messages about one contract to one party share an outbox key, hence arrive in order
 * (a proposal before the signatures of that version).
 */
export function createMessages(deps: { outbox: OutboxPort; participants: ContractDirectory; logger: Logger; did: string }) {
  const { outbox } = deps;
  const key = (contractId: string, to: string) => `contract:${contractId}:${to}`;
  const path = (dsp: string, contractId: string, tail: string) => `${dsp.replace(/\/+$/, '')}/contracts/${encodeURIComponent(contractId)}/${tail}`;

  for (const topic of Object.values(TOPICS)) {
    outbox.on(topic, async (msg, outcome) => {
      if (!outcome.ok) deps.logger.warn({ topic, to: msg.audience, url: msg.url, status: outcome.status, error: outcome.error }, 'a contract message was not accepted');
    });
  }

  return {
    /**
     * The DSP base URLs of the other parties (to look up before the transaction opens); `missing` lists those
     * that are not active trusted participants with an endpoint.
     */
    async endpoints(dids: Iterable<string>): Promise<{ found: Endpoints; missing: string[] }> {
      const found: Endpoints = new Map();
      const missing: string[] = [];
      for (const did of new Set(dids)) {
        if (did === deps.did) continue;
        const p = await deps.participants.get(did);
        if (p?.status === 'active' && p.endpoints.dsp) found.set(did, p.endpoints.dsp);
        else missing.push(did);
      }
      return { found, missing };
    },

    async proposal(tx: Kysely<DB>, to: Endpoints, document: ContractDocument, signatures: string[]): Promise<void> {
      for (const [did, dsp] of to) {
        await outbox.enqueue(tx, { topic: TOPICS.proposal, url: `${dsp.replace(/\/+$/, '')}/contracts/proposals`, audience: did, body: { document, signatures }, key: key(document.id, did) });
      }
    },

    async signatures(tx: Kysely<DB>, to: Endpoints, contractId: string, versionHash: string, signatures: string[]): Promise<void> {
      for (const [did, dsp] of to) {
        await outbox.enqueue(tx, { topic: TOPICS.signatures, url: path(dsp, contractId, 'signatures'), audience: did, body: { versionHash, signatures }, key: key(contractId, did) });
      }
    },

    async notice(tx: Kysely<DB>, to: Endpoints, contractId: string, notice: string): Promise<void> {
      for (const [did, dsp] of to) {
        await outbox.enqueue(tx, { topic: TOPICS.notice, url: path(dsp, contractId, 'notices'), audience: did, body: { notice }, key: key(contractId, did) });
      }
    },
  };
}

export type Messages = ReturnType<typeof createMessages>;
