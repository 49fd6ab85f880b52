export type ParticipantStatus = 'active' | 'suspended';

export interface ParticipantEndpoints {
  dsp?: string;
  catalog?: string;
  credential?: string;
}

/** A trusted counterparty, as other contexts see it. */
export interface Participant {
  did: string;
  name: string;
  roles: string[];
  status: ParticipantStatus;
  statusReason?: string;
  endpoints: ParticipantEndpoints;
  selfDescription: Record<string, unknown>;
  verifiedAt: string;
  addedAt: string;
}

export interface ParticipantDirectory {
  listActive(): Promise<Participant[]>;
  get(did: string): Promise<Participant | undefined>;
  /** Read from the database on every call: a suspension takes effect for the very next request. */
  statusOf(did: string): Promise<ParticipantStatus | undefined>;
}

interface VersionEntry {
  version?: unknown;
  path?: unknown;
}

/** The DSP base URL of a node from its version document: the 2025-1 entry's path on the document's origin. */
export function dspEndpointFrom(versionDocUrl: string, doc: unknown): string | undefined {
  const versions = (doc as { protocolVersions?: unknown } | null)?.protocolVersions;
  if (!Array.isArray(versions)) return undefined;
  const entry = (versions as VersionEntry[]).find((v) => v?.version === '2025-1' && typeof v.path === 'string');
  if (!entry) return undefined;
  const path = String(entry.path);
  return `${new URL(versionDocUrl).origin}${path.startsWith('/') ? '' : '/'}${path}`.replace(/\/+$/, '');
}
