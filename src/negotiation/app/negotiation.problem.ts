import { AppError, type ErrorCode, type FieldError } from '../../kernel/index.js';
import type { IllegalTransition } from '../domain/negotiation.machine.js';
import { pidsOf, type Negotiation } from '../domain/negotiation.js';

/**
 * An AppError that knows which negotiation it is about, so that the DSP routes can answer a complete
 * ContractNegotiationError (its schema requires both process ids).
 */
export class NegotiationProblem extends AppError {
  readonly pids: { providerPid: string; consumerPid: string } | undefined;
  constructor(code: ErrorCode, detail: string, errors: FieldError[] | undefined, n?: Pick<Negotiation, 'id' | 'role' | 'counterpartyPid'>) {
    super(code, detail, errors);
    this.pids = n ? pidsOf(n) : undefined;
  }
}

export const notFound = (pid: string, path = '/params/pid') => new NegotiationProblem('DS_NEGOTIATION_NOT_FOUND', `no negotiation ${pid}`, [{ path, message: 'no such negotiation of yours' }]);

/** A refused transition: 400 ContractNegotiationError on the protocol routes, 409 for an operator action. */
export function refused(t: IllegalTransition, n: Negotiation, by: 'message' | 'operator'): NegotiationProblem {
  if (by === 'operator') return new NegotiationProblem('DS_NEGOTIATION_ACTION_NOT_ALLOWED', `negotiation ${n.id} (${n.role}): ${t.why}`, [{ path: '/params/id', message: t.why }], n);
  return new NegotiationProblem('DS_NEGOTIATION_ILLEGAL_TRANSITION', t.why, [{ path: '/body/@type', message: t.why }], n);
}

/** True for a unique-constraint violation (both pg and PGlite report SQLSTATE 23505). */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === '23505';
