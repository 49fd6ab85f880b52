import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyContractFile, type FileReport, type VerifyOptions } from '../contracts/index.js';
import { callAndPrint, withClient, type CallOptions } from './node-client.js';

const run = (o: CallOptions, method: string, path: string, body?: unknown) => callAndPrint(o, method, path, body);

const contractPath = (id: string) => `/api/v1/contracts/${encodeURIComponent(id)}`;

/** Human-readable report of an offline verification (the JSON report with --json). */
export function formatReport(file: string, r: FileReport): string {
  const lines = [`contract file ${file}`, `  contract: ${r.contractId ?? '?'}`, `  version:  ${r.versionHash ?? '?'}`, `  status:   ${r.status ?? '?'}`, '  parties:'];
  for (const p of r.parties) lines.push(p.signed ? `    signed       ${p.did} (${p.role}) at ${p.signedAt}, key ${p.binding}` : `    NOT SIGNED   ${p.did} (${p.role})`);
  for (const n of r.notices) lines.push(`  notice: ${n.action} by ${n.signer} at ${n.issuedAt}: ${n.reason}`);
  if (r.parties.some((p) => p.binding === 'self-asserted')) lines.push('  note: self-asserted keys are checked against their key ids only; pass --did-document to bind them to the DIDs');
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  lines.push(r.valid ? 'VALID: every required party signed this exact version' : 'INVALID');
  return `${lines.join('\n')}\n`;
}

/** `dases contracts verify`: exit code 0 when the file is valid, 1 otherwise; the report goes to stdout. */
export async function verifyFileCommand(file: string, o: { didDocument?: string[]; json?: boolean }): Promise<{ code: number; output: string }> {
  let content: unknown;
  const opts: VerifyOptions = {};
  try {
    content = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (o.didDocument?.length) opts.didDocuments = o.didDocument.map((f) => JSON.parse(readFileSync(f, 'utf8')) as NonNullable<VerifyOptions['didDocuments']>[number]);
  } catch (e) {
    const report: FileReport = { valid: false, parties: [], notices: [], problems: [`cannot read the input: ${(e as Error).message}`] };
    return { code: 1, output: o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(file, report) };
  }
  const report = await verifyContractFile(content, opts);
  return { code: report.valid ? 0 : 1, output: o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(file, report) };
}

/** `dases contracts …`: the management API's contract routes, and the offline verification of a contract file. */
export function registerContractsCommands(program: Command): void {
  const contracts = program.command('contracts').description('Signed bilateral and ecosystem contracts');
  withClient(contracts.command('list').description('Contracts this node is a party of'))
    .option('--status <status>', 'pending, active, terminated or revoked')
    .option('--party <did>', 'only contracts with this party')
    .action((o: CallOptions & { status?: string; party?: string }) => {
      const q = new URLSearchParams({ ...(o.status ? { status: o.status } : {}), ...(o.party ? { party: o.party } : {}) }).toString();
      return run(o, 'GET', `/api/v1/contracts${q ? `?${q}` : ''}`);
    });
  withClient(contracts.command('show <id>').description('A contract with its versions, signatures and notices')).action((id: string, o: CallOptions) => run(o, 'GET', contractPath(id)));
  withClient(contracts.command('file <id>').description('The contract file of a version (default: the one in force), to verify offline'))
    .option('--version <hash>', 'the version hash')
    .action((id: string, o: CallOptions & { version?: string }) => run(o, 'GET', `${contractPath(id)}/file${o.version ? `?version=${encodeURIComponent(o.version)}` : ''}`));
  withClient(contracts.command('sign <id> <versionHash>').description("Sign a pending version (the hash you reviewed) with this node's DID key")).action((id: string, versionHash: string, o: CallOptions) =>
    run(o, 'POST', `${contractPath(id)}/sign`, { versionHash }),
  );
  for (const action of ['revoke', 'terminate'] as const) {
    withClient(contracts.command(`${action} <id>`).description(action === 'revoke' ? 'Revoke a pending or active contract (a signed notice to every party)' : 'Terminate an active contract (a signed notice to every party)'))
      .requiredOption('--reason <text>', 'why')
      .action((id: string, o: CallOptions & { reason: string }) => run(o, 'POST', `${contractPath(id)}/${action}`, { reason: o.reason }));
  }
  contracts
    .command('verify <file>')
    .description('Verify a contract file offline: document hash, every signature and notice, every required party signed (exit 1 if not)')
    .option('--did-document <files...>', "signers' DID documents, to bind their keys to their DIDs")
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { didDocument?: string[]; json?: boolean }) => {
      const { code, output } = await verifyFileCommand(file, o);
      process.stdout.write(output);
      process.exitCode = code;
    });
}
