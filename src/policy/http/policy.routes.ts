import { Type } from '@sinclair/typebox';
import { randomIds, systemClock, type Clock, type IdGenerator } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { evaluateDocuments, placeErrors, validatePolicy } from '../app/policy-engine.js';
import type { PolicyIssue } from '../domain/policy.model.js';
import * as S from './policy.schemas.js';

const read = { auth: { management: 'read' as const } };
const under = (issues: PolicyIssue[], prefix: string) => issues.map((i) => ({ ...i, path: `${prefix}${i.path}` }));

/**
 * Management routes of the policy engine. Evaluating changes nothing, so the read scope suffices. Bad documents
 * answer 400 problem+json whose errors[].path points into the body (`/body/policy/permission/0/constraint/0/operator`).
 */
export function createPolicyRoutes(deps: { clock: Clock; ids: IdGenerator }) {
  return async (app: App) => {
    app.post(
      '/api/v1/policies/evaluate',
      {
        config: read,
        schema: {
          tags: S.tags,
          summary: 'Evaluate an ODRL policy against an evaluation request and a state of the world (W3C ODRL formal semantics); answers the compliance report',
          body: S.EvaluateBody,
          response: { 200: { content: { 'application/ld+json': { schema: S.ComplianceReport }, 'text/turtle': { schema: Type.String() } } } },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const outcome = await evaluateDocuments({ policy: b.policy, request: b.request, ...(b.state !== undefined ? { state: b.state } : {}), format: b.format ?? 'jsonld' }, deps);
        if (!outcome.ok) throw placeErrors(outcome.error, '/body');
        const { report, decision } = outcome.value;
        reply.header('x-policy-decision', decision.permit ? 'permit' : 'deny');
        return typeof report === 'string' ? reply.type('text/turtle; charset=utf-8').send(report) : reply.type('application/ld+json').send(report);
      },
    );

    app.post(
      '/api/v1/policies/validate',
      { config: read, schema: { tags: S.tags, summary: 'Check an ODRL policy against the ODRL 2.2 information model (errors name the rule and its JSON pointer)', body: S.ValidateBody, response: { 200: S.ValidationAnswer } } },
      async (req) => {
        const checked = await validatePolicy(req.body.policy);
        if (!checked.ok) throw placeErrors(checked.error, '/body/policy');
        const v = checked.value;
        return { valid: v.valid, ...(v.policy && !v.policy.id.startsWith('_:') ? { policy: v.policy.id } : {}), rules: v.rules, errors: under(v.errors, '/body/policy'), warnings: under(v.warnings, '/body/policy') };
      },
    );
  };
}

/** The routes with the system clock and random ids (what a node uses). */
export const policyRoutes = createPolicyRoutes({ clock: systemClock, ids: randomIds });
