import { Type } from '@sinclair/typebox';
import { AppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { TemplateLibrary } from '../domain/templates/index.js';
import { InstantiateBody, NameParams, PolicyAnswer, TemplateView } from './rulebook.schemas.js';

const tags = ['policy templates'];
// Instantiating changes nothing on the node: it is a read.
const read = { auth: { management: 'read' as const } };

/** The library of parameterised ODRL policy templates. */
export function templateRoutes(templates: TemplateLibrary) {
  return async (app: App) => {
    app.get(
      '/api/v1/policy-templates',
      { config: read, schema: { tags, summary: 'Policy templates with the JSON Schema of their parameters', response: { 200: Type.Object({ items: Type.Array(TemplateView) }) } } },
      async () => ({ items: templates.list() }),
    );
    app.get(
      '/api/v1/policy-templates/:name',
      { config: read, schema: { tags, summary: 'One policy template with its parameter schema and an example', params: NameParams, response: { 200: TemplateView } } },
      async (req) => {
        const t = templates.get(req.params.name);
        if (!t) throw new AppError('DS_RULEBOOK_TEMPLATE_NOT_FOUND', `no template "${req.params.name}"`, [{ path: '/params/name', message: 'unknown template' }]);
        return t;
      },
    );
    app.post(
      '/api/v1/policy-templates/instantiate',
      { config: read, schema: { tags, summary: 'Compose one or several templates with their parameters into one ODRL policy', body: InstantiateBody, response: { 200: PolicyAnswer } } },
      async (req) => {
        const made = templates.instantiate(req.body, '/body');
        if (!made.ok) throw made.error;
        return { policy: made.value };
      },
    );
  };
}
