import type { Command } from 'commander';
import { callAndPrint, processIo, withClient, type CallOptions, type CommandIo } from './node-client.js';

const SCOPES = ['statements/read', 'statements/write', 'state', 'profile', 'all'];

/** `--scopes a,b` → the scopes, each checked. */
export function scopesOf(list: string): string[] {
  const scopes = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = scopes.filter((s) => !SCOPES.includes(s));
  if (bad.length || scopes.length === 0) throw new Error(`--scopes takes a comma-separated list of ${SCOPES.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`);
  return scopes;
}

/** `dases lrs clients …`: the xAPI clients of the node's Learning Record Store (HTTP Basic key and secret). */
export function registerLrsCommands(program: Command, io: CommandIo = processIo): void {
  const run = (o: CallOptions, method: string, path: string, body?: unknown) => callAndPrint(o, method, path, body, io);
  const lrs = program.command('lrs').description('The xAPI Learning Record Store at <node>/xapi/');
  const clients = lrs.command('clients').description('xAPI clients (HTTP Basic credentials with scopes)');
  withClient(clients.command('create').description('Create a client: its key and secret are printed once'))
    .requiredOption('--name <name>', 'who the client is (an LMS, a cmi5 player, …)')
    .option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, 'statements/read,statements/write,state,profile')
    .action((o: CallOptions & { name: string; scopes: string }) => run(o, 'POST', '/api/v1/lrs/clients', { name: o.name, scopes: scopesOf(o.scopes) }));
  withClient(clients.command('list').description('Clients (never their secrets)')).action((o: CallOptions) => run(o, 'GET', '/api/v1/lrs/clients'));
  withClient(clients.command('delete <id>').description('Revoke a client')).action((id: string, o: CallOptions) => run(o, 'DELETE', `/api/v1/lrs/clients/${encodeURIComponent(id)}`));
}
