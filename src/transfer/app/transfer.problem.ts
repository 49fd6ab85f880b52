import { AppError, ERROR_CATALOGUE, type ErrorCode, type FieldError } from '../../kernel/index.js';
import type { IllegalTransition } from '../domain/transfer.machine.js';
import { pidsOf, type Transfer } from '../domain/transfer.js';

/** An AppError that knows its transfer, so the DSP routes answer a TransferError naming both process ids. */
export class TransferProblem extends AppError {
  readonly pids: { providerPid: string; consumerPid: string } | undefined;
  constructor(code: ErrorCode, detail: string, errors: FieldError[] | undefined, t?: Pick<Transfer, 'id' | 'role' | 'counterpartyPid'>) {
    super(code, detail, errors);
    this.pids = t ? pidsOf(t) : undefined;
  }
}

export const notFound = (pid: string, path = '/params/pid') => new TransferProblem('DS_TRANSFER_NOT_FOUND', `no transfer process ${pid}`, [{ path, message: 'no such transfer process of yours' }]);

/** A refused transition: 400 TransferError on the protocol routes (as the binding says), 409 for an operator action. */
export function refused(t: IllegalTransition, x: Transfer, by: 'message' | 'operator'): TransferProblem {
  if (by === 'operator') return new TransferProblem('DS_TRANSFER_ACTION_NOT_ALLOWED', `transfer ${x.id} (${x.role}): ${t.why}`, [{ path: '/params/id', message: t.why }], x);
  return new TransferProblem('DS_TRANSFER_ILLEGAL_TRANSITION', t.why, [{ path: '/body/@type', message: t.why }], x);
}

/** A usage denial as an error: its own catalogue code when it has one, else DS_TRANSFER_POLICY_DENIED. */
export function denialError(d: { code: string; reason: string }, t?: Transfer): AppError {
  const code = (d.code in ERROR_CATALOGUE ? d.code : 'DS_TRANSFER_POLICY_DENIED') as ErrorCode;
  return new TransferProblem(code, d.reason, undefined, t);
}

/** True for a unique-constraint violation (pg and PGlite both report SQLSTATE 23505). */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === '23505';
