import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../kernel/index.js';
import { isAlive, readRunFile } from './run-file.js';

export interface CallOptions {
  node?: string;
  apiKey?: string;
  data?: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

export type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;

/**
 * How CLI commands reach the node. PGlite allows one process per data directory, so a command talks to the
 * running node over HTTP; when none answers (and no --node was named), it opens the data directory itself and
 * runs the same routes in-process, so both paths share one implementation.
 */
export async function connect(opts: CallOptions): Promise<{ call: Call; close(): Promise<void> }> {
  let config = loadConfig(process.env, { dataDir: opts.data });
  const running = readRunFile(config.dataDir);
  const live = running && isAlive(running.pid) ? running : undefined;
  const base = (opts.node ?? process.env.DASES_NODE ?? live?.localUrl ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  const key = opts.apiKey ?? process.env.DASES_API_KEY ?? config.adminApiKey ?? readKeyFile(config.dataDir);
  const remote = Boolean(opts.node ?? process.env.DASES_NODE) || (await reachable(base));
  if (!remote && live) throw new Error(`the node (pid ${live.pid}) serving ${config.dataDir} does not answer at ${live.localUrl}; not opening its data directory`);
  if (remote) {
    if (!key) throw new Error('no API key: pass --api-key, set DASES_API_KEY, or run on the node machine (reads <data>/admin-api-key)');
    return {
      call: async (method, path, body) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, body: text ? safeJson(text) : undefined };
      },
      close: async () => undefined,
    };
  }
  // Keep the node's identity: its DID derives from the public URL it last ran with.
  if (running && !process.env.DASES_URL && !process.env.DASES_PORT) config = { ...config, publicUrl: running.publicUrl };
  const { buildNode } = await import('../node/node.js');
  const { silentLogger } = await import('../kernel/index.js');
  const node = await buildNode({ config, logger: silentLogger() });
  const localKey = key ?? readKeyFile(config.dataDir);
  if (!localKey) throw new Error('no API key for the data directory');
  return {
    call: async (method, path, body) => {
      const res = await node.app.inject({
        method: method as 'GET',
        url: path,
        headers: { 'x-api-key': localKey },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? safeJson(res.body) : undefined };
    },
    close: () => node.close(),
  };
}

function readKeyFile(dataDir: string): string | undefined {
  const f = join(dataDir, 'admin-api-key');
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
}

async function reachable(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1500) });
    return res.status === 200 || res.status === 503;
  } catch {
    return false;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The options every client command takes: which node, which key, which data directory. */
export const withClient = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--node <url>', 'URL of the running node (DASES_NODE); default http://127.0.0.1:<DASES_PORT>'))
    .addOption(new Option('--api-key <key>', 'operator API key (DASES_API_KEY; default <data>/admin-api-key)'))
    .addOption(new Option('--data <dir>', 'data directory, used when the node is not running (DASES_DATA)'));

/** Where a command writes; tests capture it instead of the process streams. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  fail(): void;
}

export const processIo: CommandIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  fail: () => void (process.exitCode = 1),
};

/** One management call printed as JSON (`pick` chooses what to show of a success); a 4xx/5xx goes to stderr, exit 1. */
export async function callAndPrint(o: CallOptions, method: string, path: string, body?: unknown, io: CommandIo = processIo, pick?: (b: unknown) => unknown): Promise<void> {
  const client = await connect(o);
  try {
    const reply = await client.call(method, path, body);
    const shown = reply.status < 400 && pick ? pick(reply.body) : reply.body;
    const text = typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2);
    if (reply.status >= 400) {
      io.err(`${text}\n`);
      io.fail();
    } else io.out(`${text ?? ''}\n`);
  } finally {
    await client.close();
  }
}
