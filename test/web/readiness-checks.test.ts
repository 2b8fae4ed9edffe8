import { describe, expect, it } from '@jest/globals';
import { cacheFor } from '../../src/web/cache-for.js';
import { checkGithubCredentials } from '../../src/web/check-github-credentials.js';
import { readinessChecks } from '../../src/web/readiness-checks.js';

/** An app whose `auth()` octokit answers GET /app with what the test says. */
function appAnswering(answer: () => Promise<unknown>) {
  const calls: string[] = [];
  const app = {
    auth: async () => ({
      request: async (route: string) => {
        calls.push(route);
        return answer();
      },
    }),
  };
  return { app: app as never, calls };
}

function httpError(status: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP ${status}`), { name: 'HttpError', status, response: { headers } });
}

describe('checkGithubCredentials', () => {
  it.each([
    ['ok', async () => ({ data: { slug: 'cc' } }), { state: 'ok' }],
    [
      '401',
      async () => Promise.reject(httpError(401)),
      { state: 'refused', reason: "GitHub refused the app's credentials on GET /app (HTTP 401): check APP_ID and PRIVATE_KEY" },
    ],
    ['404', async () => Promise.reject(httpError(404)), { state: 'refused' }],
    ['502', async () => Promise.reject(httpError(502)), { state: 'unreachable', reason: 'GitHub did not answer GET /app (HTTP 502)' }],
    ['429', async () => Promise.reject(httpError(429)), { state: 'unreachable' }],
    ['403 rate limited', async () => Promise.reject(httpError(403, { 'x-ratelimit-remaining': '0' })), { state: 'unreachable' }],
    [
      'no JWT',
      async () => Promise.reject(new Error('secretOrPrivateKey must be an asymmetric key')),
      { state: 'refused', reason: "the app's credentials cannot be used: secretOrPrivateKey must be an asymmetric key" },
    ],
  ])('%s', async (_name, answer, expected) => {
    const { app } = appAnswering(answer);
    expect(await checkGithubCredentials(app)).toMatchObject(expected);
  });
});

describe('cacheFor', () => {
  it('reuses a result within the period and asks again after it', async () => {
    let t = 0;
    let asked = 0;
    const cached = cacheFor(async () => ++asked, { ttlMs: 30_000, now: () => t });
    expect([await cached(), await cached()]).toEqual([1, 1]);
    t = 29_999;
    expect(await cached()).toBe(1);
    t = 30_000;
    expect(await cached()).toBe(2);
  });

  it('does not remember a probe that threw', async () => {
    let asked = 0;
    const cached = cacheFor(async () => (++asked === 1 ? Promise.reject(new Error('x')) : asked), { ttlMs: 30_000, now: () => 0 });
    await expect(cached()).rejects.toThrow('x');
    expect(await cached()).toBe(2);
  });
});

describe('readinessChecks', () => {
  it('asks GitHub once per period however often the probe runs, and reads the store each time', async () => {
    const { app, calls } = appAnswering(async () => ({ data: {} }));
    let reads = 0;
    const checks = readinessChecks({ app, audit: { getMeta: async () => (reads++, null) } });
    for (let i = 0; i < 5; i++) {
      await checks.store();
      expect(await checks.github()).toEqual({ state: 'ok' });
    }
    expect([calls, reads]).toEqual([['GET /app'], 5]);
  });
});
