import type { DistributionSource } from '../../catalog/index.js';
import type { DataDestination, Measurement } from '../../dataplane/index.js';

/** Shapes shared with the catalog (sources) and the data plane (destinations, measurements). */
export type { DataDestination, DistributionSource, Measurement };

export const FORMATS = ['HttpData-PULL', 'HttpData-PUSH'] as const;
export type TransferFormat = (typeof FORMATS)[number];

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
