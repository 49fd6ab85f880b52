import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { callAndPrint, processIo, withClient, type CallOptions, type CommandIo } from './node-client.js';

export type { CommandIo } from './node-client.js';

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;
const seg = encodeURIComponent;

/** `name` or `name=<JSON parameters>` → one entry of an instantiation request. */
export function templateSpec(spec: string): { name: string; parameters?: unknown } {
  const at = spec.indexOf('=');
  if (at < 0) return { name: spec };
  try {
    return { name: spec.slice(0, at), parameters: JSON.parse(spec.slice(at + 1)) as unknown };
  } catch {
    throw new Error(`the parameters of ${spec.slice(0, at)} are not JSON: ${spec.slice(at + 1)}`);
  }
}

/** `dases templates …` and `dases ecosystems …`: thin clients of the rulebook context's management API. */
export function registerRulebookCommands(program: Command, io: CommandIo = processIo): void {
  const run = (o: CallOptions, method: string, path: string, body?: unknown, pick?: (b: unknown) => unknown) => callAndPrint(o, method, path, body, io, pick);

  const templates = program.command('templates').description('Parameterised ODRL policy templates');
  withClient(templates.command('list').description('Templates and the JSON Schema of their parameters')).action((o: CallOptions) => run(o, 'GET', '/api/v1/policy-templates'));
  withClient(templates.command('show <name>').description('One template, its parameter schema and an example')).action((name: string, o: CallOptions) => run(o, 'GET', `/api/v1/policy-templates/${seg(name)}`));
  withClient(templates.command('instantiate [specs...]').description('Compose templates into one ODRL policy; each spec is name or name=<JSON parameters>'))
    .option('--file <file>', 'a JSON request { templates: [{ name, parameters }], type?, uid?, target?, assigner?, assignee? } instead of specs')
    .option('--type <type>', 'Set, Offer or Agreement')
    .option('--uid <iri>', "the policy's @id")
    .option('--target <iri>', 'the asset')
    .option('--assigner <did>', 'the assigner')
    .option('--assignee <did>', 'the assignee')
    .action((specs: string[], o: CallOptions & Record<string, string | undefined>) => {
      const body = o.file
        ? readJson(o.file)
        : { templates: specs.map(templateSpec), ...Object.fromEntries(['type', 'uid', 'target', 'assigner', 'assignee'].filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) };
      return run(o, 'POST', '/api/v1/policy-templates/instantiate', body, (b) => (b as { policy: unknown }).policy);
    });

  const eco = program.command('ecosystems').description('Ecosystems: rulebooks, members, invitations and requests to join');
  const base = '/api/v1/ecosystems';
  withClient(eco.command('create').description('Create an ecosystem orchestrated by this node'))
    .requiredOption('--title <title>', 'the use case')
    .option('--description <text>', 'what it is for')
    .requiredOption('--rulebook <file>', 'JSON rulebook: { roles, obligations, participation }')
    .action((o: CallOptions & { title: string; description?: string; rulebook: string }) =>
      run(o, 'POST', base, { title: o.title, ...(o.description ? { description: o.description } : {}), rulebook: readJson(o.rulebook) }),
    );
  withClient(eco.command('list').description('Ecosystems this node orchestrates')).action((o: CallOptions) => run(o, 'GET', base));
  withClient(eco.command('show <id>').description('An ecosystem, its rulebook, members and versions')).action((id: string, o: CallOptions) => run(o, 'GET', `${base}/${seg(id)}`));
  withClient(eco.command('publish <id>').description('Publish a new rulebook version (members accept it again)'))
    .requiredOption('--rulebook <file>', 'JSON rulebook')
    .option('--title <title>', 'a new title')
    .option('--description <text>', 'a new description')
    .action((id: string, o: CallOptions & { rulebook: string; title?: string; description?: string }) =>
      run(o, 'POST', `${base}/${seg(id)}/rulebook`, { rulebook: readJson(o.rulebook), ...(o.title ? { title: o.title } : {}), ...(o.description ? { description: o.description } : {}) }),
    );
  withClient(eco.command('invite <id> <participant>').description('Invite a trusted participant'))
    .requiredOption('--role <role>', 'its role in the rulebook')
    .action((id: string, participant: string, o: CallOptions & { role: string }) => run(o, 'POST', `${base}/${seg(id)}/invitations`, { participant, role: o.role }));
  withClient(eco.command('invitations <id>').description('Invitations sent')).action((id: string, o: CallOptions) => run(o, 'GET', `${base}/${seg(id)}/invitations`));
  withClient(eco.command('join-requests <id>').description('Requests to join received')).action((id: string, o: CallOptions) => run(o, 'GET', `${base}/${seg(id)}/join-requests`));
  withClient(eco.command('approve <id> <requestId>').description('Admit a requester')).action((id: string, requestId: string, o: CallOptions) =>
    run(o, 'POST', `${base}/${seg(id)}/join-requests/${seg(requestId)}/approve`),
  );
  withClient(eco.command('refuse <id> <requestId>').description('Refuse a request to join'))
    .option('--reason <text>', 'why')
    .action((id: string, requestId: string, o: CallOptions & { reason?: string }) => run(o, 'POST', `${base}/${seg(id)}/join-requests/${seg(requestId)}/refuse`, o.reason ? { reason: o.reason } : {}));
  withClient(eco.command('contract <id>').description('Propose the multi-party ecosystem contract to the members'))
    .option('--title <title>', 'contract title (default: the ecosystem title)')
    .option('--offerings <file>', 'JSON [{ did, offerings: [ids] }]')
    .action((id: string, o: CallOptions & { title?: string; offerings?: string }) =>
      run(o, 'POST', `${base}/${seg(id)}/contract`, { ...(o.title ? { title: o.title } : {}), ...(o.offerings ? { offerings: readJson(o.offerings) } : {}) }),
    );

  // This node as a participant of ecosystems orchestrated elsewhere.
  withClient(eco.command('received').description('Invitations this node received')).action((o: CallOptions) => run(o, 'GET', '/api/v1/ecosystem-invitations'));
  withClient(eco.command('accept-invitation <invitationId>').description('Accept an invitation: sign the rulebook')).action((id: string, o: CallOptions) =>
    run(o, 'POST', `/api/v1/ecosystem-invitations/${seg(id)}/accept`),
  );
  withClient(eco.command('join <orchestrator> <ecosystemId>').description('Ask to join an ecosystem at its orchestrator (signs its current rulebook)'))
    .requiredOption('--role <role>', 'the role asked for')
    .option('--message <text>', 'a word for the orchestrator')
    .action((orchestrator: string, ecosystemId: string, o: CallOptions & { role: string; message?: string }) =>
      run(o, 'POST', '/api/v1/ecosystem-memberships', { orchestrator, ecosystemId, role: o.role, ...(o.message ? { message: o.message } : {}) }),
    );
  withClient(eco.command('memberships').description("This node's memberships")).action((o: CallOptions) => run(o, 'GET', '/api/v1/ecosystem-memberships'));
  withClient(eco.command('membership <ecosystemId>').description('A membership and the newest rulebook received')).action((id: string, o: CallOptions) => run(o, 'GET', `/api/v1/ecosystem-memberships/${seg(id)}`));
  withClient(eco.command('accept <ecosystemId>').description('Accept the newest rulebook version')).action((id: string, o: CallOptions) => run(o, 'POST', `/api/v1/ecosystem-memberships/${seg(id)}/accept`));
  withClient(eco.command('leave <ecosystemId>').description('Leave an ecosystem'))
    .option('--reason <text>', 'why')
    .action((id: string, o: CallOptions & { reason?: string }) => run(o, 'POST', `/api/v1/ecosystem-memberships/${seg(id)}/leave`, o.reason ? { reason: o.reason } : {}));
}
