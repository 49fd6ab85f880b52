import { findVerificationMethod } from '../../identity/index.js';
import { AppError } from '../../kernel/index.js';
import { ACCEPTANCE_TYP, acceptanceMismatch, decodeAcceptance, verifyAcceptance, type RulebookAcceptance } from '../domain/acceptance.js';
import type { RulebookDocument } from '../domain/rulebook.js';
import type { RulebookContext } from './rulebook.context.js';

const invalid = (path: string, reason: string) => new AppError('DS_RULEBOOK_SIGNATURE_INVALID', `${path}: ${reason}`, [{ path, message: reason }]);

/** This node's signature accepting a rulebook version (and the role it holds under it). */
export async function signAcceptance(ctx: RulebookContext, doc: RulebookDocument, hash: string, role: string): Promise<string> {
  const payload: RulebookAcceptance = { ecosystem: doc.ecosystem, orchestrator: doc.orchestrator, rulebook: hash, version: doc.version, member: ctx.did, role, acceptedAt: ctx.clock.now().toISOString() };
  return ctx.signer.sign(payload, ACCEPTANCE_TYP);
}

/**
 * Verifies a member's acceptance against its DID document: signed by a key of `expected.member` listed there,
 * and naming exactly this ecosystem, version, hash and role. An unknown kid may be a key rotated in since the
 * document was cached, so the document is fetched once more before refusing.
 */
export async function verifyMemberAcceptance(ctx: RulebookContext, jws: string, expected: Omit<RulebookAcceptance, 'acceptedAt'>, path: string): Promise<RulebookAcceptance> {
  const decoded = decodeAcceptance(jws);
  if (!decoded.ok) throw invalid(path, decoded.reason);
  if (decoded.value.acceptance.member !== expected.member) throw invalid(path, `signed as ${decoded.value.acceptance.member}, not by the caller ${expected.member}`);
  const keyOf = async () => findVerificationMethod(await ctx.resolver.resolve(expected.member), decoded.value.kid)?.publicKeyJwk;
  let key = await keyOf();
  if (!key) {
    ctx.resolver.invalidate(expected.member);
    key = await keyOf();
  }
  if (!key) throw invalid(path, `key ${decoded.value.kid} is not in the DID document of ${expected.member}`);
  const verified = await verifyAcceptance(jws, key);
  if (!verified.ok) throw invalid(path, verified.reason);
  const mismatch = acceptanceMismatch(verified.value, expected);
  if (mismatch) throw invalid(path, mismatch);
  return verified.value;
}
