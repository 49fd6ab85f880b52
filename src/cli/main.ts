import { Command, Option } from 'commander';
import { createLogger, loadConfig } from '../kernel/index.js';
import { registerContractsCommands } from './contracts.command.js';
import { registerConsentCommands } from './consents.command.js';
import { registerLrsCommands } from './lrs.command.js';
import { registerXapiCommands } from './xapi.command.js';
import { callAndPrint, withClient, type CallOptions } from './node-client.js';
import { registerPolicyCommands } from './policy.command.js';
import { registerRulebookCommands } from './rulebook.command.js';
import { registerTransferCommands } from './transfers.command.js';
import { isAlive, readRunFile, markStopped, writeRunFile } from './run-file.js';

/** The `dases` command. Management commands are thin clients of the management API (see node-client.ts). */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('dases').description('A node of the European Data Space for Education & Skills').showHelpAfterError();

  program
    .command('start')
    .description('Run a node (HTTP server, database, background jobs)')
    .option('--port <n>', 'TCP port (DASES_PORT)')
    .option('--host <addr>', 'bind address (DASES_HOST)')
    .option('--data <dir>', 'data directory (DASES_DATA)')
    .option('--url <url>', 'public base URL (DASES_URL)')
    .option('--name <name>', 'node name (DASES_NAME)')
    .option('--log-level <level>', 'log level (DASES_LOG_LEVEL)')
    .action(async (o: Record<string, string | undefined>) => {
      const config = loadConfig(process.env, { port: o.port, host: o.host, dataDir: o.data, publicUrl: o.url, name: o.name, logLevel: o.logLevel });
      const logger = createLogger(config.logLevel);
      const other = readRunFile(config.dataDir);
      if (other && isAlive(other.pid) && other.pid !== process.pid) {
        throw new Error(`another node (pid ${other.pid}, ${other.localUrl}) already uses ${config.dataDir}`);
      }
      const { buildNode } = await import('../node/node.js');
      const node = await buildNode({ config, logger });
      node.startJobs();
      const address = await node.listen();
      writeRunFile(config.dataDir, { pid: process.pid, localUrl: address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]'), publicUrl: config.publicUrl });
      logger.info({ did: node.did, url: config.publicUrl, database: node.database.kind }, 'dases node started');
      if (node.identity.generatedAdminKeyFile) logger.info({ file: node.identity.generatedAdminKeyFile }, 'operator API key written');
      const stop = async (signal: string) => {
        logger.info({ signal }, 'stopping');
        await node.close();
        markStopped(config.dataDir, process.pid);
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });

  const run = (o: CallOptions, method: string, path: string, body?: unknown) => callAndPrint(o, method, path, body);

  const keys = program.command('keys').description('Operator API keys');
  withClient(keys.command('create').description('Create an API key (printed once)'))
    .option('--name <name>', 'what the key is for', 'operator')
    .option('--scopes <list>', 'comma-separated: read, write, admin', 'read,write')
    .action((o: CallOptions & { name: string; scopes: string }) => run(o, 'POST', '/api/v1/keys', { name: o.name, scopes: o.scopes.split(',').map((s) => s.trim()) }));
  withClient(keys.command('list')).action((o: CallOptions) => run(o, 'GET', '/api/v1/keys'));
  withClient(keys.command('revoke <id>')).action((id: string, o: CallOptions) => run(o, 'DELETE', `/api/v1/keys/${encodeURIComponent(id)}`));

  const participants = program.command('participants').description('Trusted participants of this node');
  withClient(participants.command('add <didOrUrl>').description('Resolve, verify and trust a participant'))
    .action((target: string, o: CallOptions) => run(o, 'POST', '/api/v1/participants', target.startsWith('did:') ? { did: target } : { url: target }));
  withClient(participants.command('list')).action((o: CallOptions) => run(o, 'GET', '/api/v1/participants'));
  withClient(participants.command('suspend <did>'))
    .option('--reason <text>', 'why', 'suspended by the operator')
    .action((did: string, o: CallOptions & { reason: string }) => run(o, 'POST', `/api/v1/participants/${encodeURIComponent(did)}/suspend`, { reason: o.reason }));
  withClient(participants.command('activate <did>')).action((did: string, o: CallOptions) => run(o, 'POST', `/api/v1/participants/${encodeURIComponent(did)}/activate`, {}));

  const catalog = program.command('catalog').description('Local and federated catalog');
  withClient(catalog.command('crawl').description('Pull the DSP catalogs of trusted participants into the federated catalog')).action((o: CallOptions) =>
    run(o, 'POST', '/api/v1/federated-catalog/crawl', {}),
  );
  withClient(catalog.command('search [text]').description('Search the federated catalog'))
    .option('--local', 'search the local catalog instead')
    .action((text: string | undefined, o: CallOptions & { local?: boolean }) => {
      const q = text ? `?q=${encodeURIComponent(text)}` : '';
      return run(o, 'GET', o.local ? `/api/v1/catalog/search${q}` : `/api/v1/federated-catalog${q}`);
    });
  withClient(catalog.command('request <counterPartyAddress> <counterPartyId>').description("Fetch another node's DSP catalog")).action(
    (address: string, id: string, o: CallOptions) => run(o, 'POST', '/api/v1/catalog/request', { counterPartyAddress: address, counterPartyId: id }),
  );

  const negotiations = program.command('negotiations').description('Dataspace Protocol contract negotiations');
  withClient(negotiations.command('start <counterPartyAddress> <counterPartyId> <offerId>').description("Negotiate one of another node's catalog offers"))
    .option('--purpose <iri>', 'the purpose declared for the agreement')
    .option('--wait', 'return once the negotiation is FINALIZED or TERMINATED')
    .action((address: string, id: string, offerId: string, o: CallOptions & { purpose?: string; wait?: boolean }) =>
      run(o, 'POST', `/api/v1/negotiations${o.wait ? '?wait=true' : ''}`, { counterPartyAddress: address, counterPartyId: id, offerId, ...(o.purpose ? { purpose: o.purpose } : {}) }),
    );
  withClient(negotiations.command('list')).action((o: CallOptions) => run(o, 'GET', '/api/v1/negotiations'));
  withClient(negotiations.command('show <id>')).action((id: string, o: CallOptions) => run(o, 'GET', `/api/v1/negotiations/${encodeURIComponent(id)}`));
  const agreements = program.command('agreements').description('Agreements of finalised negotiations and the status of their contracts');
  withClient(agreements.command('list')).action((o: CallOptions) => run(o, 'GET', '/api/v1/agreements'));
  withClient(agreements.command('show <id>')).action((id: string, o: CallOptions) => run(o, 'GET', `/api/v1/agreements/${encodeURIComponent(id)}`));

  const log = program.command('log').description('The transparency log');
  withClient(log.command('head').description('The latest signed tree head')).action((o: CallOptions) => run(o, 'GET', '/api/v1/log/head'));
  withClient(log.command('verify').description('Recompute the whole tree from storage and check every signed head (exit 1 on any mismatch)')).action(
    async (o: CallOptions) => {
      let ok = false;
      await callAndPrint(o, 'GET', '/api/v1/log/verify', undefined, undefined, (b) => ((ok = (b as { ok?: boolean }).ok === true), b));
      if (!ok) process.exitCode = 1;
    },
  );
  log
    .command('verify-receipt <file>')
    .description('Verify a log receipt offline: head signature, entry hash and inclusion proof (exit 1 on failure)')
    .option('--did-document <file>', "the signer's DID document, to bind the key to the DID")
    .option('--key <file>', 'a trusted public JWK of the signer')
    .action(async (file: string, o: { didDocument?: string; key?: string }) => {
      const { readFileSync } = await import('node:fs');
      const { verifyReceipt } = await import('../ledger/index.js');
      const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as never;
      const result = await verifyReceipt(read(file), {
        ...(o.didDocument ? { didDocument: read(o.didDocument) } : {}),
        ...(o.key ? { trustedKey: read(o.key) } : {}),
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (!(result as { ok?: boolean }).ok) process.exitCode = 1;
    });
  withClient(log.command('witness <did>').description("Fetch a participant's tree head, check consistency and counter-sign it")).action((did: string, o: CallOptions) =>
    run(o, 'POST', '/api/v1/log/witness', { participant: did }),
  );

  withClient(program.command('identity').description("This node's DID, self-description and keys")).action((o: CallOptions) => run(o, 'GET', '/api/v1/identity'));

  registerPolicyCommands(program);
  registerContractsCommands(program);
  registerConsentCommands(program);
  registerLrsCommands(program);
  registerXapiCommands(program);
  registerRulebookCommands(program);
  registerTransferCommands(program);

  await program.parseAsync(argv);
}

