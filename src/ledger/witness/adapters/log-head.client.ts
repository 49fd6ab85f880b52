import { AppError, nodeCall, type Logger, type NodeCallOptions } from '../../../kernel/index.js';

/** What `GET {dsp}/log/head` answers. */
export interface HeadAnswer {
  head: string;
  size: number;
  consistencyProof?: string[];
}

const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * The witness's calls to a participant's log: each with a fresh single-use node token addressed to it, no
 * redirects (the token must not travel elsewhere), a timeout and a bounded answer.
 */
export function createLogHeadClient(deps: { tokens: { sign(audienceDid: string): Promise<string> }; logger: Logger; fetch?: typeof fetch }) {
  const doFetch = deps.fetch ?? fetch;

  const callOptions: NodeCallOptions = {
    sign: (did) => deps.tokens.sign(did),
    fetch: doFetch,
    logger: deps.logger,
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_BYTES,
    accept: 'application/json',
    unreachable: (detail) => new AppError('DS_LEDGER_WITNESS_UNREACHABLE', detail),
    tooLarge: (detail) => new AppError('DS_LEDGER_WITNESS_INVALID_HEAD', detail),
  };

  async function call(url: string, did: string, init: RequestInit): Promise<{ status: number; text: string }> {
    const { status, text } = await nodeCall(callOptions, url, did, init);
    if (status >= 400) throw remoteError(url, status, text);
    return { status, text };
  }

  return {
    async fetchHead(dsp: string, did: string, from: number): Promise<HeadAnswer> {
      const url = `${dsp.replace(/\/+$/, '')}/log/head${from > 0 ? `?from=${from}` : ''}`;
      const { text } = await call(url, did, { method: 'GET' });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new AppError('DS_LEDGER_WITNESS_INVALID_HEAD', `${url} answered with a body that is not JSON`);
      }
      const b = body as Partial<HeadAnswer> | null;
      const proofOk = b?.consistencyProof === undefined || (Array.isArray(b.consistencyProof) && b.consistencyProof.length <= 64 && b.consistencyProof.every((h) => typeof h === 'string'));
      if (typeof b?.head !== 'string' || !Number.isSafeInteger(b.size) || !proofOk) {
        throw new AppError('DS_LEDGER_WITNESS_INVALID_HEAD', `${url} answered without a head, a size or a well-formed consistencyProof`);
      }
      return { head: b.head, size: b.size as number, ...(b.consistencyProof ? { consistencyProof: b.consistencyProof } : {}) };
    },

    async sendCosignature(dsp: string, did: string, head: string, cosignature: string): Promise<void> {
      const url = `${dsp.replace(/\/+$/, '')}/log/cosignatures`;
      await call(url, did, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ head, cosignature }) });
    },
  };
}

export type LogHeadClient = ReturnType<typeof createLogHeadClient>;

function remoteError(url: string, status: number, text: string): AppError {
  let code: unknown;
  let detail: unknown;
  try {
    const p = JSON.parse(text) as { code?: unknown; detail?: unknown };
    ({ code, detail } = p);
  } catch {
    // Not problem+json: the status alone is reported.
  }
  const message = `${url} answered ${status}${typeof code === 'string' ? ` ${code}` : ''}${typeof detail === 'string' ? `: ${detail.slice(0, 500)}` : ''}`;
  return new AppError('DS_LEDGER_WITNESS_REMOTE_ERROR', message, [
    { path: '/remote/status', message: String(status) },
    ...(typeof code === 'string' ? [{ path: '/remote/code', message: code.slice(0, 100) }] : []),
  ]);
}
