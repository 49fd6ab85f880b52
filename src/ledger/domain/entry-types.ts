/**
 * The registry of log entry types. Contexts register the types they append at start-up (later issues add
 * contract.*, consent.*, exchange.*, credential.*); appends and listing filters refuse anything else, so a typo
 * cannot create an entry no filter will ever find.
 */
const TYPE_NAME = /^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/;

const registry = new Map<string, string>([
  ['participant.added', 'A participant was trusted'],
  ['participant.refreshed', "A participant's documents were fetched and verified again"],
  ['participant.suspended', 'A participant was suspended'],
  ['participant.activated', "A participant's suspension was lifted"],
  ['participant.removed', 'A participant was forgotten'],
  ['dataset.published', 'A dataset was published in the catalog'],
  ['dataset.updated', 'A catalog dataset was changed'],
  ['dataset.deleted', 'A catalog dataset was deleted'],
  ['service.published', 'A service was published in the catalog'],
  ['service.updated', 'A catalog service was changed'],
  ['service.deleted', 'A catalog service was deleted'],
  ['offering.published', 'An offering was published'],
  ['offering.updated', 'An offering was changed'],
  ['offering.withdrawn', 'An offering was withdrawn'],
  ['identity.key-rotated', "The node's signing key was rotated"],
  ['apikey.created', 'An operator API key was created'],
  ['apikey.revoked', 'An operator API key was revoked'],
  ['witness.cosigned', "A trusted participant's tree head was checked and counter-signed"],
  ['witness.split-view', 'A trusted participant showed two different tree heads for one size'],
]);

/** Adds an entry type; registering a known name again is a no-op (so modules may register idempotently). */
export function registerEntryType(name: string, description: string): void {
  if (!TYPE_NAME.test(name) || name.length > 100) throw new Error(`log entry type "${name}" must look like "context.event"`);
  if (!registry.has(name)) registry.set(name, description);
}

export const isRegisteredType = (name: string): boolean => registry.has(name);

export const entryTypes = (): Array<{ name: string; description: string }> => [...registry].map(([name, description]) => ({ name, description }));
