import { ORCHESTRATOR_ROLE, type RulebookDocument } from './rulebook.js';

export interface Ineligibility {
  /** Which input is at fault: the role asked for, or the participant (its registry roles). */
  field: 'role' | 'participant';
  reason: string;
}

/**
 * Whether a participant may take `role`: the role exists and is not the orchestrator's, the participant holds the
 * registry roles it requires, and neither the role nor the ecosystem is full. Returns why not, or undefined.
 */
export function ineligibility(
  doc: RulebookDocument,
  candidate: { role: string; registryRoles: readonly string[] },
  activeMembers: ReadonlyArray<{ role: string }>,
): Ineligibility | undefined {
  const role = doc.roles.find((r) => r.id === candidate.role);
  if (!role) return { field: 'role', reason: `the rulebook has no role "${candidate.role}" (roles: ${doc.roles.map((r) => r.id).join(', ')})` };
  if (role.id === ORCHESTRATOR_ROLE) return { field: 'role', reason: 'the orchestrator role is held by the orchestrator node' };
  const missing = role.requiredRegistryRoles.filter((r) => !candidate.registryRoles.includes(r));
  if (missing.length) return { field: 'participant', reason: `the role "${role.id}" requires the registry roles ${missing.join(', ')}, which the participant does not hold` };
  if (role.maxMembers !== undefined && activeMembers.filter((m) => m.role === role.id).length >= role.maxMembers) return { field: 'role', reason: `the role "${role.id}" is full (${role.maxMembers} members)` };
  if (doc.participation.maxMembers !== undefined && activeMembers.length >= doc.participation.maxMembers) return { field: 'role', reason: `the ecosystem is full (${doc.participation.maxMembers} members)` };
  return undefined;
}
