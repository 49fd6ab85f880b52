// Structural checks of DSP policies, used by the catalog.
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

// The ODRL 2.2 engine: parse (JSON-LD or Turtle) -> compile -> decide (fast path) or trace -> compliance report.
export {
  parsePolicy,
  validatePolicy,
  evaluateDocuments,
  type ParsedPolicy,
  type ParseOptions,
  type PolicyValidation,
  type EvaluationDocuments,
  type EvaluationOutcome,
} from './app/policy-engine.js';
export { compilePolicy, type CompiledPolicy, type CompileOptions, type Decision, type DecisionReason, type ReasonCode, type PolicyTrace } from './domain/policy.compiler.js';
export type { DecisionRequest, PremiseResult } from './domain/rule.compiler.js';
export type { RuleTrace, ActivationState, DeonticState, PerformanceState, ControlState } from './domain/rule.evaluator.js';
export type { ConstraintResult } from './domain/constraint.compiler.js';
export type { EvaluationContext, PerformedAction, Knowledge } from './domain/evaluation-context.js';
export type { ContextValue } from './domain/values.js';
export type {
  Policy,
  Rule,
  Duty,
  DutyRole,
  RuleKind,
  ActionRef,
  EntityRef,
  Constraint,
  AtomicConstraint,
  LogicalConstraint,
  Operator,
  LogicalOperator,
  ConflictStrategy,
  PolicyIssue,
} from './domain/policy.model.js';
export { actionIncludedIn } from './domain/action-hierarchy.js';
export { buildComplianceReport, REPORT_NS, REPORT_CONTEXT, type ReportInput } from './domain/compliance-report.js';
export { reportToTurtle } from './adapters/report.serialiser.js';
export { createPolicyRoutes, policyRoutes } from './http/policy.routes.js';
