import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type { Command } from 'commander';
import { nodeSealer } from '../identity/index.js';
import { systemClock } from '../kernel/index.js';
import { CONVERT_KINDS, createXapiTools, XapiInputError, type ConvertKind, type ConvertOptions, type ConvertProgress } from '../xapi/index.js';
import { processIo, type CommandIo } from './node-client.js';

export interface ConvertCommandOptions {
  from: string;
  out?: string;
  mapping?: string;
  profile?: string;
  flavour?: 'scorm' | 'cmi5';
  homePage?: string;
  pseudonymise?: boolean;
  data?: string;
  skipInvalid?: boolean;
  progress?: boolean;
}

/** A one-line progress bar: the share of the input read, records, statements, skipped records. */
export function progressLine(p: ConvertProgress, read: number, total: number, width = 24): string {
  const share = total > 0 ? Math.min(1, read / total) : 0;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${p.records} records -> ${p.statements} statements${p.skipped ? `, ${p.skipped} skipped` : ''}`;
}

/**
 * `dases xapi convert`: converts a SCORM, Caliper or CSV file into xAPI statements (NDJSON) offline, streaming,
 * with a progress bar on stderr. Pseudonyms use the node's own key (derived from its master key in `--data`), so a
 * person gets the same pseudonym here as from the node's HTTP converter.
 */
export async function convertCommand(input: string, o: ConvertCommandOptions, io: CommandIo = processIo): Promise<number> {
  if (!(CONVERT_KINDS as readonly string[]).includes(o.from)) throw new Error(`--from must be one of ${CONVERT_KINDS.join(', ')}`);
  const kind = o.from as ConvertKind;
  if (kind === 'csv' && !o.mapping) throw new Error('--from csv needs --mapping <file>');
  if (o.pseudonymise && !o.homePage) throw new Error('--pseudonymise needs --home-page <url> (the participant whose accounts the pseudonyms are)');
  const total = statSync(input).size;
  let pseudonym: { homePage: string; key: Uint8Array } | undefined;
  if (o.pseudonymise) {
    const dataDir = o.data ?? './data';
    if (!process.env.DASES_MASTER_KEY && !existsSync(join(dataDir, 'master.key'))) throw new Error(`--pseudonymise needs the node's master key: ${join(dataDir, 'master.key')} (or DASES_MASTER_KEY)`);
    pseudonym = { homePage: o.homePage!, key: nodeSealer({ masterKey: process.env.DASES_MASTER_KEY, dataDir }).derive('xapi pseudonyms') };
  }
  const tools = createXapiTools({ clock: systemClock, ...(pseudonym ? { pseudonym } : {}) });
  let read = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length;
      done(null, chunk);
    },
  });
  const showProgress = o.progress ?? Boolean(process.stderr.isTTY);
  let last: ConvertProgress = { records: 0, statements: 0, skipped: 0, done: false } as ConvertProgress;
  let shownAt = 0;
  const show = (p: ConvertProgress, force = false) => {
    last = p;
    const now = Date.now();
    if (!showProgress || (!force && now - shownAt < 100)) return;
    shownAt = now;
    io.err(`\r${progressLine(p, read, total)}`);
  };
  const opts: ConvertOptions = {
    ...(o.mapping ? { mapping: JSON.parse(readFileSync(o.mapping, 'utf8')) as unknown } : {}),
    ...(o.profile ? { profile: JSON.parse(readFileSync(o.profile, 'utf8')) as unknown } : {}),
    ...(o.flavour ? { flavour: o.flavour } : {}),
    ...(o.homePage ? { homePage: o.homePage } : {}),
    ...(pseudonym ? { pseudonymise: true } : {}),
    ...(o.skipInvalid ? { onInvalid: (e: XapiInputError) => io.err(`\nskipped: ${e.message}\n`) } : {}),
    onProgress: (p) => show(p),
    inputPath: input,
  };
  const out = o.out ? await open(o.out, 'w') : undefined;
  let written = 0;
  try {
    const lines: string[] = [];
    const flush = async () => {
      if (!lines.length) return;
      const text = `${lines.join('\n')}\n`;
      lines.length = 0;
      if (out) await out.write(text);
      else io.out(text);
    };
    for await (const statement of tools.convert(kind, createReadStream(input).pipe(counting), opts)) {
      lines.push(JSON.stringify(statement));
      written += 1;
      if (lines.length >= 256) await flush();
    }
    await flush();
  } catch (e) {
    if (showProgress) io.err('\n');
    if (e instanceof XapiInputError) {
      io.err(`${e.message}${e.errors?.length ? ` (${e.errors.map((x) => `${x.path}: ${x.message}`).join('; ')})` : ''}\n`);
      return 1;
    }
    throw e;
  } finally {
    await out?.close();
  }
  show({ ...last, statements: written, done: true }, true);
  if (showProgress) io.err('\n');
  io.err(`${written} statements${o.out ? ` written to ${o.out}` : ''}\n`);
  return 0;
}

/** `dases xapi …`: learning data conversion to xAPI, offline. */
export function registerXapiCommands(program: Command, io: CommandIo = processIo): void {
  const xapi = program.command('xapi').description('xAPI learning data: converters');
  xapi
    .command('convert <input>')
    .description('Convert SCORM 1.2/2004 run-time data, IMS Caliper events or a CSV log into xAPI statements (NDJSON)')
    .requiredOption('--from <kind>', CONVERT_KINDS.join(' | '))
    .option('--out <file>', 'where the statements go (default: standard output)')
    .option('--mapping <file>', 'CSV: the mapping file (statement templates with {{column}} placeholders)')
    .option('--profile <file>', 'an xAPI Profile (JSON-LD) every statement must satisfy')
    .option('--flavour <flavour>', 'SCORM: scorm (the xAPI SCORM profile) or cmi5')
    .option('--home-page <url>', 'the participant home page of accounts (and of pseudonyms)')
    .option('--pseudonymise', "replace every person by a keyed pseudonym (the node's key, from --data)")
    .option('--data <dir>', "the node's data directory (its master key), default ./data")
    .option('--skip-invalid', 'report invalid records and go on, instead of stopping at the first')
    .option('--progress', 'show the progress bar even when stderr is not a terminal')
    .action(async (input: string, o: ConvertCommandOptions) => {
      process.exitCode = await convertCommand(input, o, io);
    });
}
