import { resolve } from 'node:path';

/**
 * Every configuration key of a node, declared once: its environment variable, its command-line flag (if any),
 * default and description. The README's configuration table is checked against this list by a test.
 */
type Parser<T> = (raw: string, env: string) => T;

interface KeySpec<T> {
  env: string;
  flag?: string;
  default: T | (() => T) | undefined;
  description: string;
  parse: Parser<T>;
  secret?: boolean;
}

const str: Parser<string> = (raw) => raw;
const int =
  (min: number, max: number): Parser<number> =>
  (raw, env) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${env} must be an integer in [${min}, ${max}], got "${raw}"`);
    return n;
  };
const powerOfTwo =
  (min: number, max: number): Parser<number> =>
  (raw, env) => {
    const n = int(min, max)(raw, env);
    if ((n & (n - 1)) !== 0) throw new Error(`${env} must be a power of two, got "${raw}"`);
    return n;
  };
const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const bool: Parser<boolean> = (raw, env) => {
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new Error(`${env} must be true or false, got "${raw}"`);
};
const url: Parser<string> = (raw, env) => {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new Error(`${env} must be an http(s) URL, got "${raw}"`);
  }
};

export const CONFIG_KEYS = {
  port: { env: 'DASES_PORT', flag: '--port', default: 3000, description: 'TCP port the node listens on', parse: int(0, 65535) } as KeySpec<number>,
  host: { env: 'DASES_HOST', flag: '--host', default: '127.0.0.1', description: 'Address the node binds to (0.0.0.0 to accept other machines)', parse: str } as KeySpec<string>,
  dataDir: { env: 'DASES_DATA', flag: '--data', default: './data', description: 'Data directory: embedded PostgreSQL (PGlite) files, generated key files', parse: str } as KeySpec<string>,
  publicUrl: { env: 'DASES_URL', flag: '--url', default: undefined, description: 'Public base URL of the node; its did:web is derived from it (default http://127.0.0.1:<port>)', parse: url } as KeySpec<string | undefined>,
  name: { env: 'DASES_NAME', flag: '--name', default: 'dases node', description: 'Human name of the node and default legal name of its participant', parse: str } as KeySpec<string>,
  logLevel: { env: 'DASES_LOG_LEVEL', flag: '--log-level', default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace, silent', parse: str } as KeySpec<string>,
  databaseUrl: { env: 'DATABASE_URL', default: undefined, description: 'PostgreSQL connection string; when unset the embedded PGlite database under the data directory is used', parse: str, secret: true } as KeySpec<string | undefined>,
  dbPreparedStatements: { env: 'DASES_DB_PREPARED_STATEMENTS', default: true, description: 'Prepare repeated statements once per PostgreSQL connection (set false behind a pooler in transaction mode that cannot keep them, e.g. PgBouncer before 1.21)', parse: bool } as KeySpec<boolean>,
  adminApiKey: { env: 'DASES_ADMIN_API_KEY', default: undefined, description: 'Bootstrap operator API key (all scopes); when unset one is generated on first start into <data>/admin-api-key (0600)', parse: str, secret: true } as KeySpec<string | undefined>,
  masterKey: { env: 'DASES_MASTER_KEY', default: undefined, description: 'Key that encrypts private keys at rest (base64 of 32 bytes); when unset one is generated into <data>/master.key (0600). Nodes sharing a database must share it', parse: str, secret: true } as KeySpec<string | undefined>,
  bodyLimit: { env: 'DASES_BODY_LIMIT', default: 1_048_576, description: 'Largest accepted request body in bytes', parse: int(1024, 1_073_741_824) } as KeySpec<number>,
  didCacheTtl: { env: 'DASES_DID_CACHE_TTL', default: 300, description: 'Seconds a resolved DID document is cached', parse: int(0, 86_400) } as KeySpec<number>,
  crawlInterval: { env: 'DASES_CRAWL_INTERVAL', default: 3600, description: 'Seconds between federated catalog crawls of trusted participants (0 disables the periodic job)', parse: int(0, 604_800) } as KeySpec<number>,
  witnessInterval: { env: 'DASES_WITNESS_INTERVAL', default: 600, description: "Seconds between rounds witnessing trusted participants' transparency logs (0 disables the periodic job)", parse: int(0, 604_800) } as KeySpec<number>,
  transferTokenTtl: { env: 'DASES_TRANSFER_TOKEN_TTL', default: 300, description: 'Seconds a data-plane token (in a pull DataAddress or a push address) stays valid for new requests', parse: int(10, 86_400) } as KeySpec<number>,
  policyMonitorInterval: { env: 'DASES_POLICY_MONITOR_INTERVAL_MS', default: 250, description: 'Milliseconds between re-evaluations of running non-finite transfers (policy lapsed or contract revoked: terminated)', parse: int(50, 60_000) } as KeySpec<number>,
  legalName: { env: 'DASES_LEGAL_NAME', default: undefined, description: 'Legal name in the participant self-description (default: the node name)', parse: str } as KeySpec<string | undefined>,
  registrationNumber: { env: 'DASES_REGISTRATION_NUMBER', default: undefined, description: 'Legal registration number (e.g. a SIREN, VAT or LEI code) in the self-description', parse: str } as KeySpec<string | undefined>,
  headquarters: { env: 'DASES_HEADQUARTERS', default: undefined, description: 'Headquarters address country subdivision, ISO 3166-2 (e.g. FR-IDF)', parse: str } as KeySpec<string | undefined>,
  legalAddress: { env: 'DASES_LEGAL_ADDRESS', default: undefined, description: 'Legal address country subdivision, ISO 3166-2 (default: the headquarters)', parse: str } as KeySpec<string | undefined>,
  roles: { env: 'DASES_ROLES', default: ['data-provider', 'data-consumer'], description: 'Comma-separated roles: data-provider, data-consumer, service-provider, orchestrator, personal-data-intermediary', parse: list } as KeySpec<string[]>,
  consentTokenTtl: { env: 'DASES_CONSENT_TOKEN_TTL', default: 300, description: 'Seconds a consent token (issued by a personal-data intermediary to a consumer) stays valid; never beyond the consent', parse: int(10, 86_400) } as KeySpec<number>,
  consentDays: { env: 'DASES_CONSENT_DAYS', default: 365, description: 'Days a granted or reconfirmed consent lasts unless the person chooses fewer (personal-data intermediary)', parse: int(1, 3650) } as KeySpec<number>,
  contact: { env: 'DASES_CONTACT', default: undefined, description: 'Contact (e-mail or URL) in the self-description', parse: str } as KeySpec<string | undefined>,
  dpoContact: { env: 'DASES_DPO_CONTACT', default: undefined, description: "Contact (e-mail or URL) of the controller's data protection officer, given in privacy notices (GDPR Art. 13(1)(b))", parse: str } as KeySpec<string | undefined>,
  supervisoryAuthority: { env: 'DASES_SUPERVISORY_AUTHORITY', default: undefined, description: 'Supervisory authority named in privacy notices (GDPR Art. 13(2)(d)); default: the national authority of the headquarters country where there is one (FR: CNIL)', parse: str } as KeySpec<string | undefined>,
  lrsCorsOrigins: { env: 'DASES_LRS_CORS_ORIGINS', default: ['*'], description: "Origins whose pages may call the LRS (/xapi) from a browser (cmi5 content hosted elsewhere): comma-separated, '*' for any (xAPI clients send credentials in Authorization, not cookies), 'none' for no browser access", parse: list } as KeySpec<string[]>,
  sessionTtl: { env: 'DASES_SESSION_TTL', default: 28_800, description: "Seconds a person's session (dashboard sign-in at a personal-data intermediary) stays valid", parse: int(60, 2_592_000) } as KeySpec<number>,
  scryptCost: { env: 'DASES_SCRYPT_COST', default: 32_768, description: 'scrypt cost N for new password hashes (a power of two; stored with each hash, older hashes are upgraded at sign-in)', parse: powerOfTwo(16_384, 1_048_576) } as KeySpec<number>,
} as const;

type Keys = typeof CONFIG_KEYS;
export type Config = { [K in keyof Keys]: Keys[K] extends KeySpec<infer T> ? T : never } & { publicUrl: string };

/** Builds the configuration from flags (highest precedence), then the environment, then defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: Record<string, string | undefined> = {}): Config {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CONFIG_KEYS) as [string, KeySpec<unknown>][]) {
    const raw = (spec.flag ? flags[name] : undefined) ?? env[spec.env];
    if (raw !== undefined && raw !== '') out[name] = spec.parse(raw, spec.flag && flags[name] !== undefined ? spec.flag : spec.env);
    else out[name] = typeof spec.default === 'function' ? (spec.default as () => unknown)() : spec.default;
  }
  out.dataDir = resolve(out.dataDir as string);
  out.publicUrl ??= `http://127.0.0.1:${out.port as number}`;
  return out as Config;
}
