/**
 * The DSP 2025-1 ODRL profile context (`https://w3id.org/dspace/2025/1/odrl-profile.jsonld`), written from the
 * negotiation specification's policy model (contract-schema: Offer, Agreement, Permission, Prohibition, Duty,
 * Constraint, LogicalConstraint). It is the small ODRL subset DSP messages use, not the whole W3C ODRL context:
 * the DSP context `@import`s it into the type-scoped contexts of the messages that carry policies.
 *
 * Term choices: actions, operators and left operands are vocabulary values (`@type: @vocab`, so `"use"` is
 * `odrl:use`); targets, parties and policy references are IRIs (`@type: @id`), as are rules and constraints; a right operand stays a literal
 * (it may be a date, a number or a word); the logical operands (`and`, `or`, …) hold constraint nodes as given.
 */
const iri = (id: string) => ({ '@type': '@id', '@id': id }) as const;
const vocab = (id: string) => ({ '@type': '@vocab', '@id': id }) as const;
/** Rules and constraints: nodes (inline or by IRI), always compacted to arrays as the contract schema wants. */
const nodes = (id: string) => ({ '@type': '@id', '@id': id, '@container': '@set' }) as const;
const odrl = <const T extends readonly string[]>(names: T) => Object.fromEntries(names.map((n) => [n, `odrl:${n}`]));

export const ODRL_PROFILE_CONTEXT_URL = 'https://w3id.org/dspace/2025/1/odrl-profile.jsonld';

export const ODRL_PROFILE_CONTEXT = {
  '@context': {
    odrl: 'http://www.w3.org/ns/odrl/2/',
    // Classes of the policy model.
    ...odrl(['Policy', 'Rule', 'Agreement', 'Assertion', 'Offer', 'Set', 'Asset', 'Action', 'Permission', 'Prohibition', 'Duty']),
    ...odrl(['Constraint', 'Operator', 'RightOperand', 'LeftOperand']),
    profile: iri('odrl:profile'),
    prohibit: 'odrl:prohibit',
    hasPolicy: iri('odrl:hasPolicy'),
    target: iri('odrl:target'),
    assignee: iri('odrl:assignee'),
    assigner: iri('odrl:assigner'),
    action: vocab('odrl:action'),
    use: 'odrl:use',
    permission: nodes('odrl:permission'),
    prohibition: nodes('odrl:prohibition'),
    obligation: nodes('odrl:obligation'),
    duty: nodes('odrl:duty'),
    constraint: nodes('odrl:constraint'),
    operator: vocab('odrl:operator'),
    leftOperand: vocab('odrl:leftOperand'),
    rightOperand: 'odrl:rightOperand',
    // The ODRL 2.2 operators a constraint may use.
    ...odrl(['eq', 'gt', 'gteq', 'lt', 'lteq', 'neq', 'isA', 'hasPart', 'isPartOf', 'isAllOf', 'isAnyOf', 'isNoneOf']),
    // Logical constraints.
    ...odrl(['or', 'xone', 'and', 'andSequence']),
  },
} as const;
