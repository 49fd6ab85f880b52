export { validatePolicyStructure, type PolicyValidationOptions } from './domain/policy-structure.validator.js';
export { normaliseOfferPolicy } from './domain/offer-policy.normaliser.js';
export {
  ODRL_NS,
  ODRL_POLICY_TYPES,
  ODRL_RULE_KINDS,
  ODRL_OPERATORS,
  ODRL_LOGICAL_OPERATORS,
  ODRL_LEFT_OPERANDS,
  ODRL_ACTIONS,
  odrlTerm,
} from './domain/odrl.vocabulary.js';
