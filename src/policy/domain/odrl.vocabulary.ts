/**
 * Terms of the W3C ODRL 2.2 Information Model and Vocabulary (https://www.w3.org/TR/odrl-vocab/) that the
 * structural validator and, later, the evaluation engine recognise. Compact terms as they appear in the
 * Dataspace Protocol 2025-1 context; `odrl:` prefixed names and full IRIs are accepted too (see odrlTerm).
 */
export const ODRL_NS = 'http://www.w3.org/ns/odrl/2/';

export const ODRL_POLICY_TYPES = ['Policy', 'Set', 'Offer', 'Agreement'] as const;

export const ODRL_RULE_KINDS = ['permission', 'prohibition', 'obligation'] as const;

/** Constraint operators of ODRL 2.2, plus `term-lteq`, which the DSP 2025-1 contract schema also lists. */
export const ODRL_OPERATORS = ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq', 'isA', 'hasPart', 'isPartOf', 'isAllOf', 'isAnyOf', 'isNoneOf', 'term-lteq'] as const;

export const ODRL_LOGICAL_OPERATORS = ['and', 'or', 'xone', 'andSequence'] as const;

/** Every odrl:LeftOperand instance of the ODRL 2.2 Common Vocabulary. */
export const ODRL_LEFT_OPERANDS = [
  'absolutePosition', 'absoluteSpatialPosition', 'absoluteTemporalPosition', 'absoluteSize', 'count', 'dateTime',
  'delayPeriod', 'deliveryChannel', 'elapsedTime', 'event', 'fileFormat', 'industry', 'language', 'media',
  'meteredTime', 'payAmount', 'percentage', 'product', 'purpose', 'recipient', 'relativePosition',
  'relativeSpatialPosition', 'relativeTemporalPosition', 'relativeSize', 'resolution', 'spatial',
  'spatialCoordinates', 'systemDevice', 'timeInterval', 'unitOfCount', 'version', 'virtualLocation', 'policyUsage',
] as const;

/** Actions of the ODRL 2.2 Core and Common Vocabularies (not enforced: profiles may define more). */
export const ODRL_ACTIONS = [
  'use', 'transfer', 'acceptTracking', 'aggregate', 'annotate', 'anonymize', 'archive', 'attribute', 'compensate',
  'concurrentUse', 'delete', 'derive', 'digitize', 'display', 'distribute', 'ensureExclusivity', 'execute',
  'extract', 'give', 'grantUse', 'include', 'index', 'inform', 'install', 'modify', 'move', 'nextPolicy',
  'obtainConsent', 'play', 'present', 'print', 'read', 'reproduce', 'reviewPolicy', 'sell', 'stream',
  'synchronize', 'textToSpeech', 'transform', 'translate', 'uninstall', 'watermark',
] as const;

/**
 * The ODRL local name of a term written compactly (`eq`), prefixed (`odrl:eq`) or as a full IRI; undefined for a
 * term outside the ODRL namespace.
 */
export function odrlTerm(value: string): string | undefined {
  if (value.startsWith('odrl:')) return value.slice(5);
  if (value.startsWith(ODRL_NS)) return value.slice(ODRL_NS.length);
  return value.includes(':') ? undefined : value;
}

/** An absolute IRI (scheme ":" …), e.g. https://…, urn:…, did:web:…; compact `prefix:term` names also match. */
export const isIriLike = (value: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value);

/** A bare JSON-LD term a profile context could define (`partner`, `constraint1`). */
export const isBareTerm = (value: string): boolean => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value);
