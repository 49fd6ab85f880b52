import type { App } from '../../node/http-app.js';
import type { Links } from '../app/links.service.js';
import type { IntermediaryLink } from '../app/people.ports.js';
import type { PersonLinks } from '../app/person-links.service.js';
import { AppError } from '../../kernel/index.js';
import { Confirmed, ConfirmBody, linkTags as tags, PersonLink, PersonLinkBody, PersonLinkQuery } from './people.schemas.js';
import { Type } from '@sinclair/typebox';

const view = (l: IntermediaryLink) => ({ id: l.id, intermediary: l.intermediaryDid, subjectId: l.subjectId, linkId: l.linkId, confirmedAt: l.confirmedAt.toISOString() });

/** The link confirmation between nodes: the intermediary's DSP extension route and the participant's management API. */
export function personLinkRoutes(deps: { links: Links; personLinks: PersonLinks }) {
  return async (app: App) => {
    app.post(
      '/dsp/people/links/confirm',
      { config: { auth: 'dsp', dspErrorType: 'PersonLinkError' }, schema: { tags, summary: "A participant confirms a person's link with the one-time code and the person's subject id there", body: ConfirmBody, response: { 200: Confirmed } } },
      async (req) => {
        // auth 'dsp' guarantees a participant principal; the check narrows the type.
        if (req.principal.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
        return deps.links.confirm(req.principal.did, req.body.code, req.body.subjectId);
      },
    );

    app.post(
      '/api/v1/person-links',
      { config: { auth: { management: 'write' } }, schema: { tags, summary: 'Confirm at an intermediary the link a person opened there (the code they brought, their id here)', body: PersonLinkBody, response: { 201: PersonLink } } },
      async (req, reply) => reply.code(201).send(view(await deps.personLinks.confirm(req.body))),
    );

    app.get(
      '/api/v1/person-links',
      { config: { auth: { management: 'read' } }, schema: { tags, summary: 'Links this node confirmed at intermediaries', querystring: PersonLinkQuery, response: { 200: Type.Object({ items: Type.Array(PersonLink), total: Type.Integer() }) } } },
      async (req) => {
        const page = await deps.personLinks.list(req.query);
        return { items: page.items.map(view), total: page.total };
      },
    );
  };
}
