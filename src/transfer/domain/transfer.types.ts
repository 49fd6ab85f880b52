/**
 * Shapes shared with the data plane and the catalog (declared here structurally, as the interfaces fix them).
 */
export const FORMATS = ['HttpData-PULL', 'HttpData-PUSH'] as const;
export type TransferFormat = (typeof FORMATS)[number];

export type DistributionSource =
  | { type: 'rest'; url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; connection?: string; api?: boolean }
  | { type: 'sql'; connection: string; query: string; parameters?: unknown[] }
  | { type: 'file'; path: string };

export type DataDestination =
  | { type: 'file'; path: string }
  | { type: 'folder'; path: string }
  | { type: 'rest'; url: string; method?: 'POST' | 'PUT'; connection?: string };

export interface EndpointProperty {
  '@type': 'EndpointProperty';
  name: string;
  value: string;
}

/** DSP 2025-1 DataAddress; our token travels as endpointProperties authorization + authType bearer. */
export interface DataAddress {
  '@type': 'DataAddress';
  endpointType: string;
  endpoint?: string;
  endpointProperties?: EndpointProperty[];
}

export interface Measurement {
  bytes: number;
  sha256: string;
  startedAt: Date;
  endedAt: Date;
  complete: boolean;
}

/** A distribution of a dataset, as the catalog describes it. */
export interface DistributionLike {
  format: string;
  mediaType?: string | undefined;
  source: DistributionSource;
}

/**
 * The distribution a transfer in `format` streams: one declared with exactly that format, else the first one.
 * Undefined when the dataset has none.
 */
export function pickDistribution(distributions: readonly DistributionLike[], format: TransferFormat): DistributionLike | undefined {
  return distributions.find((d) => d.format === format) ?? distributions[0];
}

/** Finite data completes; an API (a REST source declared `api: true`) stays open until terminated. */
export const isFinite = (source: DistributionSource): boolean => !(source.type === 'rest' && source.api === true);
