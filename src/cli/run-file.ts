import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<data>/node.json`, written by `dases start`: which process serves this data directory and where. CLI commands
 * use it to reach the running node instead of opening the directory (PGlite allows one process per directory),
 * and to keep the node's public URL, hence its DID, when they open the directory themselves.
 */
export interface RunFile {
  /** null once the node has stopped; the file stays so the public URL (hence the DID) is remembered. */
  pid: number | null;
  /** Where the local CLI can reach the node. */
  localUrl: string;
  publicUrl: string;
}

const path = (dataDir: string) => join(dataDir, 'node.json');

export function writeRunFile(dataDir: string, info: RunFile): void {
  writeFileSync(path(dataDir), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

export function readRunFile(dataDir: string): RunFile | undefined {
  if (!existsSync(path(dataDir))) return undefined;
  try {
    return JSON.parse(readFileSync(path(dataDir), 'utf8')) as RunFile;
  } catch {
    return undefined;
  }
}

/** The running process recorded in the run file, if it is still alive. */
export function isAlive(pid: number | null): pid is number {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function markStopped(dataDir: string, pid: number): void {
  const info = readRunFile(dataDir);
  if (info?.pid === pid) writeRunFile(dataDir, { ...info, pid: null });
}
