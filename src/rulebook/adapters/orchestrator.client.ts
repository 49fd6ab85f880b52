import { AppError, nodeCall, type Logger, type NodeCallOptions } from '../../kernel/index.js';

const MAX_BYTES = 2 * 1024 * 1024;
const TIMEOUT_MS = 10_000;

/** The one synchronous call of this context: reading an ecosystem at its orchestrator before asking to join. */
export function createOrchestratorClient(deps: { tokens: { sign(audienceDid: string): Promise<string> }; logger: Logger; fetch?: typeof fetch }) {
  const options: NodeCallOptions = {
    sign: (did) => deps.tokens.sign(did),
    fetch: deps.fetch ?? fetch,
    logger: deps.logger,
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_BYTES,
    accept: 'application/json',
    unreachable: (detail) => new AppError('DS_RULEBOOK_REMOTE_UNREACHABLE', detail),
    tooLarge: (detail) => new AppError('DS_RULEBOOK_REMOTE_INVALID', detail),
  };

  return {
    /** `GET {dsp}/ecosystems/{id}`: the answer's shape and hash are checked by the caller. */
    async fetchEcosystem(url: string, orchestrator: string): Promise<Record<string, unknown>> {
      const { status, text } = await nodeCall(options, url, orchestrator, { method: 'GET' });
      if (status >= 400) throw remoteError(url, status, text);
      try {
        const body: unknown = JSON.parse(text);
        if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
      } catch {
        // Reported below.
      }
      throw new AppError('DS_RULEBOOK_REMOTE_INVALID', `${url} answered with a body that is not a JSON object`);
    },
  };
}

export type OrchestratorClient = ReturnType<typeof createOrchestratorClient>;

function remoteError(url: string, status: number, text: string): AppError {
  let code: unknown;
  try {
    ({ code } = JSON.parse(text) as { code?: unknown });
  } catch {
    // Not problem+json: the status alone is reported.
  }
  return new AppError('DS_RULEBOOK_REMOTE_ERROR', `${url} answered ${status}${typeof code === 'string' ? ` ${code}` : ''}`, [
    { path: '/remote/status', message: String(status) },
    ...(typeof code === 'string' ? [{ path: '/remote/code', message: code.slice(0, 100) }] : []),
  ]);
}
