import type { Command } from 'commander';
import { callAndPrint, processIo, withClient, type CallOptions, type CommandIo } from './node-client.js';

const seg = encodeURIComponent;

/**
 * `--to file:<path>`, `--to folder:<path>` or `--to <http(s) URL>` (a REST endpoint of the consumer's systems,
 * credentials from `--connection`) → a management-API `dataDestination`.
 */
export function destinationOf(to: string | undefined, connection?: string): Record<string, unknown> | undefined {
  if (to === undefined) return undefined;
  const m = /^(file|folder):(.+)$/.exec(to);
  if (m) return { type: m[1], path: m[2] };
  if (/^https?:\/\//.test(to)) return { type: 'rest', url: to, ...(connection ? { connection } : {}) };
  throw new Error(`--to must be file:<path>, folder:<path> or an http(s) URL, not ${to}`);
}

/** `name: value` → [name, value]. */
function header(spec: string, acc: Record<string, string> = {}): Record<string, string> {
  const at = spec.indexOf(':');
  if (at <= 0) throw new Error(`a header is "Name: value", not ${spec}`);
  return { ...acc, [spec.slice(0, at).trim()]: spec.slice(at + 1).trim() };
}

type Dest = { to?: string; connection?: string };

/** `dases transfers …`, `dases exchanges …` and `dases connections …`: clients of the transfer and data-plane APIs. */
export function registerTransferCommands(program: Command, io: CommandIo = processIo): void {
  const run = (o: CallOptions, method: string, path: string, body?: unknown) => callAndPrint(o, method, path, body, io);
  const transfers = program.command('transfers').description('Dataspace Protocol transfers under agreements');
  withClient(transfers.command('start <agreementId> <counterPartyAddress> <counterPartyId>').description('Start a transfer (pull by default)'))
    .option('--push', 'the provider pushes to --to (HttpData-PUSH)')
    .option('--to <destination>', 'file:<path>, folder:<path> or a URL of your systems; a pull without it gives a data address')
    .option('--connection <name>', 'the HTTP connection holding the credentials of a --to URL')
    .action((agreementId: string, address: string, id: string, o: CallOptions & Dest & { push?: boolean }) => {
      const dataDestination = destinationOf(o.to, o.connection);
      return run(o, 'POST', '/api/v1/transfers', {
        agreementId,
        counterPartyAddress: address,
        counterPartyId: id,
        format: o.push ? 'HttpData-PUSH' : 'HttpData-PULL',
        ...(dataDestination ? { dataDestination } : {}),
      });
    });
  withClient(transfers.command('fetch <counterPartyAddress> <counterPartyId> <datasetId>').description('Negotiate if needed, transfer and store the data in one call'))
    .requiredOption('--to <destination>', 'file:<path>, folder:<path> or a URL of your systems')
    .option('--connection <name>', 'the HTTP connection holding the credentials of a --to URL')
    .option('--agreement <id>', 'use this agreement')
    .option('--offer <id>', "negotiate this offer of the provider's catalog")
    .option('--purpose <purpose>', 'the purpose declared when negotiating')
    .action((address: string, id: string, datasetId: string, o: CallOptions & Dest & { agreement?: string; offer?: string; purpose?: string }) =>
      run(o, 'POST', '/api/v1/transfers/fetch', {
        counterPartyAddress: address,
        counterPartyId: id,
        datasetId,
        dataDestination: destinationOf(o.to, o.connection),
        ...(o.agreement ? { agreementId: o.agreement } : {}),
        ...(o.offer ? { offerId: o.offer } : {}),
        ...(o.purpose ? { purpose: o.purpose } : {}),
      }),
    );
  withClient(transfers.command('list')).action((o: CallOptions) => run(o, 'GET', '/api/v1/transfers'));
  withClient(transfers.command('show <id>')).action((id: string, o: CallOptions) => run(o, 'GET', `/api/v1/transfers/${seg(id)}`));
  withClient(transfers.command('data-address <id>').description('Endpoint and token of a started pull transfer')).action((id: string, o: CallOptions) =>
    run(o, 'GET', `/api/v1/transfers/${seg(id)}/data-address`),
  );
  withClient(transfers.command('receipt <id>').description('The exchange receipt signed by both nodes, with their log proofs')).action((id: string, o: CallOptions) =>
    run(o, 'GET', `/api/v1/transfers/${seg(id)}/receipt`),
  );
  for (const action of ['suspend', 'resume', 'terminate'] as const) {
    withClient(transfers.command(`${action} <id>`))
      .option('--reason <text>', 'why (sent to the counterparty)')
      .action((id: string, o: CallOptions & { reason?: string }) => run(o, 'POST', `/api/v1/transfers/${seg(id)}/${action}`, o.reason ? { reason: o.reason } : {}));
  }

  withClient(program.command('exchanges').description('Exchange history (receipts) of an agreement or a dataset'))
    .option('--agreement <id>', 'of this agreement')
    .option('--dataset <id>', 'of this dataset')
    .action((o: CallOptions & { agreement?: string; dataset?: string }) => {
      if (!o.agreement === !o.dataset) throw new Error('name exactly one of --agreement and --dataset');
      return run(o, 'GET', o.agreement ? `/api/v1/agreements/${seg(o.agreement)}/exchanges` : `/api/v1/datasets/${seg(o.dataset!)}/exchanges`);
    });

  const connections = program.command('connections').description('Named connections of data sources and sinks (secrets stored encrypted, never shown)');
  withClient(connections.command('add <name>'))
    .requiredOption('--kind <kind>', 'postgres or http')
    .requiredOption('--url <url>', 'postgres://… or the base URL of an API')
    .option('--header <header>', 'an HTTP credential header "Name: value" (repeatable)', header, {})
    .action((name: string, o: CallOptions & { kind: string; url: string; header: Record<string, string> }) =>
      run(o, 'POST', '/api/v1/connections', { name, kind: o.kind, url: o.url, ...(Object.keys(o.header).length ? { headers: o.header } : {}) }),
    );
  withClient(connections.command('list')).action((o: CallOptions) => run(o, 'GET', '/api/v1/connections'));
  withClient(connections.command('show <name>')).action((name: string, o: CallOptions) => run(o, 'GET', `/api/v1/connections/${seg(name)}`));
  withClient(connections.command('remove <name>')).action((name: string, o: CallOptions) => run(o, 'DELETE', `/api/v1/connections/${seg(name)}`));
}
