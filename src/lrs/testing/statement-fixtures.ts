import type { LightMyRequestResponse } from 'fastify';
import type { LrsHarness } from './lrs-harness.js';

/** Small statements and request helpers for the LRS tests. */
export const VERSIONS = ['1.0.3', '2.0.0'] as const;
export type TestVersion = (typeof VERSIONS)[number];

export const agent = (n: string | number) => ({ objectType: 'Agent', mbox: `mailto:learner${n}@example.org` });
export const VERB = { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed', 'fr-FR': 'a terminé' } };
export const ACTIVITY = 'http://example.org/activities/course-1';

export function statement(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    actor: agent(1),
    verb: VERB,
    object: { objectType: 'Activity', id: ACTIVITY, definition: { name: { 'en-US': 'Course one', 'fr-FR': 'Cours un' } } },
    ...over,
  };
}

export const uuid = (n: number) => `10000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function client(h: LrsHarness, version: TestVersion, auth = h.auth.all) {
  const headers = { authorization: auth, 'x-experience-api-version': version };
  return {
    post: (body: unknown, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
      h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { ...headers, ...extra }, payload: body as object }),
    put: (id: string, body: unknown): Promise<LightMyRequestResponse> =>
      h.app.inject({ method: 'PUT', url: `/xapi/statements?statementId=${id}`, headers, payload: body as object }),
    get: (query: Record<string, unknown> = {}, extra: Record<string, string> = {}): Promise<LightMyRequestResponse> => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) q.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      return h.app.inject({ method: 'GET', url: `/xapi/statements${q.size ? `?${q}` : ''}`, headers: { ...headers, ...extra } });
    },
    url: (url: string, method: 'GET' | 'HEAD' = 'GET') => h.app.inject({ method, url, headers }),
  };
}

/** The problem+json body's code and the paths it names. */
export function problem(res: LightMyRequestResponse): { status: number; code: string; paths: string[] } {
  const b = res.json() as { code: string; errors?: Array<{ path: string }> };
  return { status: res.statusCode, code: b.code, paths: (b.errors ?? []).map((e) => e.path) };
}
