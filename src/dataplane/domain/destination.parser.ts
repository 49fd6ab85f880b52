import { AppError, type FieldError } from '../../kernel/index.js';
import type { DataDestination } from '../app/ports.js';
import { CONNECTION_NAME } from './connection.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAbsolutePath = (v: unknown): v is string => typeof v === 'string' && v.startsWith('/') && !v.includes('\0') && !v.split('/').includes('..');

/** Validates a management-API `dataDestination`; every fault is reported with a JSON pointer under `path`. */
export function parseDestination(value: unknown, path: string): DataDestination {
  const errors: FieldError[] = [];
  const fail = (p: string, message: string) => void errors.push({ path: p, message });
  const known = (v: Json, allowed: string[]) => Object.keys(v).forEach((k) => allowed.includes(k) || fail(`${path}/${k}`, 'unknown field'));
  let out: DataDestination | undefined;
  if (!isObject(value)) fail(path, 'must be an object: {"type": "file" | "folder" | "rest", …}');
  else if (value.type === 'file' || value.type === 'folder') {
    known(value, ['type', 'path']);
    if (!isAbsolutePath(value.path)) fail(`${path}/path`, 'must be an absolute path without ".." segments');
    else out = { type: value.type, path: value.path };
  } else if (value.type === 'rest') {
    known(value, ['type', 'url', 'method', 'connection']);
    if (!isHttpUrl(value.url)) fail(`${path}/url`, 'must be an http(s) URL');
    if (value.method !== undefined && value.method !== 'POST' && value.method !== 'PUT') fail(`${path}/method`, 'must be POST or PUT');
    if (value.connection !== undefined && (typeof value.connection !== 'string' || !CONNECTION_NAME.test(value.connection))) fail(`${path}/connection`, 'must name a connection');
    out = {
      type: 'rest',
      url: value.url as string,
      ...(value.method ? { method: value.method as 'POST' | 'PUT' } : {}),
      ...(value.connection ? { connection: value.connection as string } : {}),
    };
  } else fail(`${path}/type`, 'must be "file", "folder" or "rest"');
  if (errors.length || !out) throw new AppError('DS_HTTP_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  return out;
}

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch {
    return false;
  }
}
