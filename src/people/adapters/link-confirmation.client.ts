import { AppError, nodeCall, type Logger, type NodeCallOptions } from '../../kernel/index.js';
import type { LinkConfirmationClient } from '../app/people.ports.js';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 64 * 1024;

/** The participant's call to the intermediary's `POST {dsp}/people/links/confirm`, with a fresh node token. */
export function createLinkConfirmationClient(deps: { tokens: { sign(audienceDid: string): Promise<string> }; logger: Logger; fetch?: typeof fetch | undefined }): LinkConfirmationClient {
  const options: NodeCallOptions = {
    sign: (did) => deps.tokens.sign(did),
    fetch: deps.fetch,
    logger: deps.logger,
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_BYTES,
    accept: 'application/json',
    unreachable: (detail) => new AppError('DS_PEOPLE_REMOTE_UNREACHABLE', detail),
    tooLarge: (detail) => new AppError('DS_PEOPLE_REMOTE_UNREACHABLE', detail),
  };
  return {
    async confirm(dsp, intermediaryDid, body) {
      const url = `${dsp.replace(/\/+$/, '')}/people/links/confirm`;
      const { status, text } = await nodeCall(options, url, intermediaryDid, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (status >= 200 && status < 300) {
        const linkId = (parsed as { linkId?: unknown } | undefined)?.linkId;
        if (typeof linkId !== 'string' || linkId === '' || linkId.length > 200) throw new AppError('DS_PEOPLE_REMOTE_UNREACHABLE', `${url} answered ${status} without a linkId`);
        return { linkId };
      }
      throw refusal(url, status, parsed);
    },
  };
}

/**
 * The intermediary's refusal, passed on with its code: a 4xx is about what the operator sent (wrong or expired
 * code, subject already linked), anything else is the intermediary's trouble.
 */
function refusal(url: string, status: number, body: unknown): AppError {
  const p = (body ?? {}) as { code?: unknown; detail?: unknown };
  const code = typeof p.code === 'string' ? p.code.slice(0, 100) : undefined;
  const detail = typeof p.detail === 'string' ? `: ${p.detail.slice(0, 300)}` : '';
  const errors = [{ path: '/remote/status', message: String(status) }, ...(code ? [{ path: '/remote/code', message: code }] : [])];
  // 401: the intermediary does not trust this node (yet): the operator must fix that, not the code.
  if (status >= 400 && status < 500) return new AppError('DS_PEOPLE_LINK_REFUSED', `the intermediary answered ${status}${code ? ` ${code}` : ''}${detail}`, errors);
  return new AppError('DS_PEOPLE_REMOTE_UNREACHABLE', `${url} answered ${status}${code ? ` ${code}` : ''}`, errors);
}
