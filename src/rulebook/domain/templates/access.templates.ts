import { Type } from '@sinclair/typebox';
import { EVENTS, Duration, constraint, sinceEvent, typed } from './odrl-terms.js';
import { defineTemplate } from './policy-template.js';

/** Actions a grant may name (ODRL 2.2 Common Vocabulary); `use` includes all the others. */
export const GRANT_ACTIONS = ['use', 'read', 'display', 'reproduce', 'aggregate', 'derive', 'anonymize', 'annotate', 'archive', 'index', 'transform', 'modify', 'print', 'stream', 'execute', 'distribute'] as const;

const DateTime = Type.String({ format: 'date-time', description: 'RFC 3339 date-time with a time zone, e.g. 2026-09-01T00:00:00Z' });

export const openAccess = defineTemplate({
  name: 'open-access',
  title: 'Open access',
  description: 'Permission to use the asset, without conditions unless other templates add them. Without a grant template, composed policies grant `use`.',
  kind: 'grant',
  parameters: Type.Object(
    { actions: Type.Optional(Type.Array(Type.Union(GRANT_ACTIONS.map((a) => Type.Literal(a))), { minItems: 1, maxItems: GRANT_ACTIONS.length, uniqueItems: true, description: 'ODRL actions granted (default ["use"])' })) },
    { additionalProperties: false },
  ),
  example: { actions: ['use'] },
  build: (p) => ({ permissions: (p.actions ?? ['use']).map((action) => ({ action })) }),
});

export const accessWindow = defineTemplate({
  name: 'access-window',
  title: 'Access window',
  description: 'Use is permitted from `from` (inclusive) until `to` (exclusive): ODRL `dateTime` constraints.',
  kind: 'constraint',
  parameters: Type.Object({ from: Type.Optional(DateTime), to: Type.Optional(DateTime) }, { additionalProperties: false, minProperties: 1 }),
  example: { from: '2026-09-01T00:00:00Z', to: '2027-07-01T00:00:00Z' },
  check: (p) => (p.from && p.to && Date.parse(p.from) >= Date.parse(p.to) ? [{ path: '/to', message: 'must be later than from' }] : []),
  build: (p) => ({
    constraints: [
      ...(p.from ? [constraint('dateTime', 'gteq', typed(p.from, 'dateTime'))] : []),
      ...(p.to ? [constraint('dateTime', 'lt', typed(p.to, 'dateTime'))] : []),
    ],
  }),
});

export const periodAfterSignature = defineTemplate({
  name: 'period-after-signature',
  title: 'Period after signature',
  description:
    'Use is permitted for `duration` after the contract carrying the policy was signed by every party: `andSequence` of `event gt dases:contractSigned` and `elapsedTime lteq duration`. The enforcement point measures elapsed time from the activation instant of that contract.',
  kind: 'constraint',
  parameters: Type.Object({ duration: Duration }, { additionalProperties: false }),
  example: { duration: 'P1Y' },
  build: (p) => ({ constraints: [sinceEvent(EVENTS.contractSigned, 'lteq', p.duration)] }),
});

export const maxUses = defineTemplate({
  name: 'max-uses',
  title: 'Maximum number of uses',
  description: 'The permitted actions may be exercised at most `count` times: ODRL `count lteq count`, counted by the enforcement point per contract.',
  kind: 'constraint',
  parameters: Type.Object({ count: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }) }, { additionalProperties: false }),
  example: { count: 100 },
  build: (p) => ({ constraints: [constraint('count', 'lteq', p.count)] }),
});
