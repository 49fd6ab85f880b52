import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
