import { AppError, ERROR_CATALOGUE, nodeCall, type ErrorCode, type Logger, type NodeCallOptions } from '../../kernel/index.js';
import type { ConsentParticipants, ConsentTokens } from '../app/ports.js';
import type { ConsentState } from '../domain/consent.machine.js';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 256 * 1024;

/**
 * The consumer's calls to a personal-data intermediary: ask for a person's consent, then for a consent token to
 * present to the provider. Each with a fresh node token (nodeCall). A refusal the intermediary explains with a
 * consent or people code is raised with that code; anything else is DS_CONSENT_REMOTE_ERROR.
 */
export function createIntermediaryClient(deps: { tokens?: ConsentTokens | undefined; participants: ConsentParticipants; logger: Logger; fetch?: typeof fetch | undefined }) {
  const options = (): NodeCallOptions => {
    const tokens = deps.tokens;
    if (!tokens) throw new AppError('DS_CONSENT_REMOTE_ERROR', 'this node was built without node tokens for consent calls');
    return {
      sign: (did) => tokens.sign(did),
      fetch: deps.fetch,
      logger: deps.logger,
      timeoutMs: TIMEOUT_MS,
      maxBytes: MAX_BYTES,
      accept: 'application/json',
      unreachable: (detail) => new AppError('DS_CONSENT_REMOTE_ERROR', detail),
      tooLarge: (detail) => new AppError('DS_CONSENT_REMOTE_ERROR', detail),
    };
  };

  async function post(intermediaryDid: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const p = await deps.participants.get(intermediaryDid);
    if (!p || p.status !== 'active' || !p.endpoints.dsp) throw new AppError('DS_CONSENT_UNKNOWN_PARTY', `${intermediaryDid} is not an active trusted participant with a DSP endpoint`, [{ path: '/intermediary', message: 'unknown intermediary' }]);
    const url = `${p.endpoints.dsp.replace(/\/+$/, '')}${path}`;
    const res = await nodeCall(options(), url, intermediaryDid, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(res.text) as Record<string, unknown>;
    } catch {
      throw new AppError('DS_CONSENT_REMOTE_ERROR', `${url} answered ${res.status} with a body that is not JSON`);
    }
    if (res.status >= 400) {
      const code = typeof answer.code === 'string' && /^DS_(CONSENT|PEOPLE)_/.test(answer.code) && answer.code in ERROR_CATALOGUE ? (answer.code as ErrorCode) : 'DS_CONSENT_REMOTE_ERROR';
      const detail = typeof answer.detail === 'string' ? answer.detail.slice(0, 500) : `answered ${res.status}`;
      throw new AppError(code, `${intermediaryDid}: ${detail}`);
    }
    return answer;
  }

  return {
    async requestConsent(intermediaryDid: string, input: { provider: string; datasetId: string; offerId?: string; purpose: string; subjectId: string }): Promise<{ id: string; status: ConsentState; reconfirmationRequired: boolean }> {
      const a = await post(intermediaryDid, '/consents/requests', input);
      if (typeof a.id !== 'string' || typeof a.status !== 'string') throw new AppError('DS_CONSENT_REMOTE_ERROR', `${intermediaryDid} answered a consent request without id or status`);
      return { id: a.id, status: a.status as ConsentState, reconfirmationRequired: a.reconfirmationRequired === true };
    },
    async consentToken(intermediaryDid: string, consentId: string): Promise<{ token: string; expiresAt: Date }> {
      const a = await post(intermediaryDid, `/consents/${encodeURIComponent(consentId)}/tokens`, {});
      if (typeof a.token !== 'string' || typeof a.expiresAt !== 'string') throw new AppError('DS_CONSENT_REMOTE_ERROR', `${intermediaryDid} answered without a token`);
      return { token: a.token, expiresAt: new Date(a.expiresAt) };
    },
  };
}
