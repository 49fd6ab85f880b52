import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type Clock, type ErrorCode, type Logger } from '../../kernel/index.js';
import { compilePolicy, parsePolicy, type CompiledPolicy, type EvaluationContext, type Policy } from '../../policy/index.js';
import { SqlUsageCounterStore } from '../adapters/sql-usage-counter.store.js';
import { denial, denialOf, hasCountConstraint, type UsageDenial } from '../domain/usage-denial.js';
import type { AgreementLookup, AgreementRecord, ContractStatusLookup, DatasetFlags, DatasetLookup } from './usage.ports.js';

export interface UsageDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  agreements: AgreementLookup;
  contracts: ContractStatusLookup;
  datasets: DatasetLookup;
  /** Compiled agreement policies kept in memory (default 1000; least recently used dropped). */
  cacheSize?: number;
  /** Compare-and-set attempts of one authorisation before DS_USAGE_CONFLICT (default 50). */
  maxAttempts?: number;
}

export interface Usage {
  /**
   * Provider, before a transfer starts: agreement, caller, contract, personal data, ODRL `use` now; consumes one
   * use atomically when the policy counts uses. Throws AppError with the denial. `consented`: the caller (the
   * transfer context) checked the person's consent for this transfer of personal data; without it, personal data
   * is refused.
   */
  authorizeTransfer(input: { agreementId: string; consumerDid: string; transferId: string; consented?: boolean }): Promise<void>;
  /**
   * authorizeTransfer in two steps, for a caller with other reads to make meanwhile: the reads (contract status,
   * dataset flags) start now; `consume` then decides and consumes, throwing what authorizeTransfer throws. A
   * denial found by the reads is thrown by `consume`, not here. `dataset`: the caller's own read of the agreement's
   * dataset, shared instead of read twice.
   */
  admitTransfer(input: { agreementId: string; consumerDid: string; dataset?: Promise<DatasetFlags | undefined> }): Promise<TransferAdmission>;
  /** The same checks without consuming a use (data-plane requests, policy monitor ticks). */
  recheck(input: { agreementId: string; consumerDid: string; consented?: boolean }): Promise<Verdict>;
  /** Uses consumed for an agreement. */
  usesOf(agreementId: string): Promise<number>;
}

/**
 * A transfer admitted by the reads of the gate, not yet decided: `consume` decides now and consumes one use (a
 * transfer starting); `check` decides as `recheck` does, consuming nothing (a running transfer's data request).
 */
export interface TransferAdmission {
  consume(input: { transferId: string; consented?: boolean }): Promise<void>;
  check(input: { consented?: boolean }): Promise<Verdict>;
}

/** A decision without consuming a use: permitted, or the denial. */
type Verdict = { ok: true } | ({ ok: false } & UsageDenial);

interface Compiled {
  policy: Policy;
  compiled: CompiledPolicy;
  counted: boolean;
}

type Gate = { ok: true; agreement: AgreementRecord; policy: Compiled } | { ok: false; denial: UsageDenial };
/**
 * What the gate's reads found, before the person's consent is known: `personal` data is refused later without
 * it, and an unreadable policy is reported after that, as the gate's order has it.
 */
type Read = { ok: false; denial: UsageDenial } | { ok: true; agreement: AgreementRecord; policy: Compiled | UsageDenial; personal: boolean };

const refuse = (code: ErrorCode, reason: string): { ok: false; denial: UsageDenial } => ({ ok: false, denial: denial(code, reason) });

/** The policy decision point of transfers: agreement checks and ODRL evaluation with atomic use counters. */
export function createUsage(deps: UsageDeps): Usage {
  const counters = new SqlUsageCounterStore(deps.db);
  const cacheSize = deps.cacheSize ?? 1000;
  const maxAttempts = deps.maxAttempts ?? 50;
  const cache = new Map<string, Promise<Compiled | UsageDenial>>();

  /** Agreements never change once finalized: their policy is parsed and compiled once. */
  function compiled(a: AgreementRecord): Promise<Compiled | UsageDenial> {
    const hit = cache.get(a.agreementId);
    if (hit) {
      cache.delete(a.agreementId);
      cache.set(a.agreementId, hit);
      return hit;
    }
    const made = (async (): Promise<Compiled | UsageDenial> => {
      const parsed = await parsePolicy(a.policy);
      if (!parsed.ok) {
        deps.logger.warn({ agreement: a.agreementId, err: parsed.error }, 'agreement policy cannot be evaluated');
        return denial('DS_USAGE_POLICY_UNREADABLE', `the policy of agreement ${a.agreementId} cannot be evaluated: ${parsed.error.message}`);
      }
      return { policy: parsed.value.policy, compiled: compilePolicy(parsed.value), counted: hasCountConstraint(parsed.value.policy) };
    })();
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(a.agreementId, made);
    return made;
  }

  /** Every check that does not depend on the use counter, in the order the issue gives, but the consent's. */
  async function read(agreementId: string, consumerDid: string, given?: Promise<DatasetFlags | undefined>): Promise<Read> {
    const agreement = await deps.agreements.agreement(agreementId);
    if (!agreement) return refuse('DS_USAGE_AGREEMENT_NOT_FOUND', `no agreement ${agreementId}`);
    if (agreement.consumerDid !== consumerDid) return refuse('DS_USAGE_FOREIGN_AGREEMENT', `agreement ${agreementId} was concluded with another consumer than ${consumerDid}`);
    // Independent reads, side by side (a pool runs them at once): the contract's status and the dataset's flags.
    const [status, dataset] = await Promise.all([deps.contracts.statusOfAgreement(agreementId), given ?? deps.datasets.getOfferedDataset(agreement.datasetId)]);
    if (status !== 'active') return refuse('DS_USAGE_CONTRACT_NOT_ACTIVE', status === undefined ? "the agreement's contract is not recorded on this node" : `the agreement's contract is ${status}`);
    if (!dataset) return refuse('DS_USAGE_DATASET_NOT_FOUND', `the agreement's dataset ${agreement.datasetId} is no longer offered`);
    const policy = await compiled(agreement);
    return { ok: true, agreement, policy, personal: dataset.containsPersonalData };
  }

  /** The rest of the gate once the consent is known: personal data needs it, then the policy must be readable. */
  function judged(r: Read, consented: boolean): Gate {
    if (!r.ok) return r;
    if (r.personal && !consented) {
      return refuse('DS_USAGE_CONSENT_REQUIRED', `dataset ${r.agreement.datasetId} contains personal data: each transfer needs the person's consent, shown by a consent token from their intermediary`);
    }
    if (!('compiled' in r.policy)) return { ok: false, denial: r.policy };
    return { ok: true, agreement: r.agreement, policy: r.policy };
  }

  /** ODRL `use` by the consumer of the agreement's dataset, for its purpose, now, with `used` uses before. */
  function decide(agreement: AgreementRecord, policy: Compiled, used: number): UsageDenial | undefined {
    const ctx: EvaluationContext = {
      now: deps.clock.now(),
      recipient: agreement.consumerDid,
      usageStart: agreement.agreedAt,
      usageCount: used,
      ...(agreement.purpose !== undefined ? { purpose: agreement.purpose } : {}),
    };
    const decision = policy.compiled.decide({ action: 'use', target: agreement.datasetId, party: agreement.consumerDid }, ctx);
    if (decision.permit) return undefined;
    return denialOf(policy.policy, decision, { used, purpose: agreement.purpose, recipient: agreement.consumerDid, agreedAt: agreement.agreedAt });
  }

  const fail = (d: UsageDenial): never => {
    throw new AppError(d.code as ErrorCode, d.reason);
  };

  /** One use consumed if the policy permits it now; atomic under concurrency when the policy counts uses. */
  async function consume(g: Gate, transferId: string): Promise<void> {
    if (!g.ok) return fail(g.denial);
    const { agreementId } = g.agreement;
    if (!g.policy.counted) {
      const denied = decide(g.agreement, g.policy, 0);
      if (denied) return fail(denied);
      await counters.increment(agreementId, deps.clock.now());
      return;
    }
    // Read, decide with that count, and consume it only if nobody else did meanwhile; else read again.
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const used = await counters.uses(agreementId);
      const denied = decide(g.agreement, g.policy, used);
      if (denied) return fail(denied);
      if (await counters.advance(agreementId, used, deps.clock.now())) return;
    }
    deps.logger.warn({ agreement: agreementId, transfer: transferId }, 'usage counter kept changing');
    throw new AppError('DS_USAGE_CONFLICT', `the use counter of agreement ${agreementId} kept changing; try again`);
  }

  /** A running transfer's own use is already counted: it is judged as the use it was, not as one more. */
  async function check(g: Gate): Promise<Verdict> {
    if (!g.ok) return { ok: false, ...g.denial };
    // The counter is read only for policies that count (this runs on every data-plane request).
    const used = g.policy.counted ? Math.max(0, (await counters.uses(g.agreement.agreementId)) - 1) : 0;
    const denied = decide(g.agreement, g.policy, used);
    return denied ? { ok: false, ...denied } : { ok: true };
  }

  return {
    async authorizeTransfer({ agreementId, consumerDid, transferId, consented }) {
      return consume(judged(await read(agreementId, consumerDid), consented === true), transferId);
    },

    async admitTransfer({ agreementId, consumerDid, dataset }) {
      // Awaited by the read below, maybe only after the agreement's lookup: a failure is not unhandled meanwhile.
      dataset?.catch(() => undefined);
      const r = await read(agreementId, consumerDid, dataset);
      return { consume: ({ transferId, consented }) => consume(judged(r, consented === true), transferId), check: ({ consented }) => check(judged(r, consented === true)) };
    },

    async recheck({ agreementId, consumerDid, consented }) {
      return check(judged(await read(agreementId, consumerDid), consented === true));
    },

    usesOf: (agreementId) => counters.uses(agreementId),
  };
}
