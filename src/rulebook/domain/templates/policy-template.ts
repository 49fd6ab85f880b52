import type { Static, TSchema } from '@sinclair/typebox';
import type { FieldError } from '../../../kernel/index.js';

/** A JSON-LD node of an ODRL policy (rule, constraint, duty), compact form under the ODRL 2.2 context. */
export type OdrlNode = Record<string, unknown>;

/**
 * What a template contributes to the composed policy. Grants are permissions; constraints and duties are added
 * to every permission of the policy (so that restrictions combine with AND, as a reader of the composed policy
 * expects); prohibitions stand on their own.
 */
export interface TemplateContribution {
  permissions?: OdrlNode[];
  constraints?: OdrlNode[];
  duties?: OdrlNode[];
  prohibitions?: OdrlNode[];
}

export type TemplateKind = 'grant' | 'constraint' | 'duty' | 'prohibition';

/** An entry of a controlled vocabulary a template's parameter draws from (e.g. purposes). */
export interface VocabularyTerm {
  key: string;
  iri: string;
  label: string;
  /** A broader DPV concept, for our own terms (skos:broadMatch). */
  broadMatch?: string;
}

export interface PolicyTemplate<S extends TSchema = TSchema> {
  /** kebab-case, stable: policies are instantiated by name. */
  name: string;
  title: string;
  description: string;
  kind: TemplateKind;
  /** JSON Schema (TypeBox) of the parameters; it is also what the API publishes. */
  parameters: S;
  example: Static<S>;
  vocabulary?: readonly VocabularyTerm[];
  /** Checks across parameters that the JSON Schema cannot express; paths are relative to the parameters. */
  check?(params: Static<S>): FieldError[];
  build(params: Static<S>): TemplateContribution;
}

/** Keeps the parameter type of each template while storing them all as `PolicyTemplate`. */
export const defineTemplate = <S extends TSchema>(t: PolicyTemplate<S>): PolicyTemplate => t as unknown as PolicyTemplate;
