import { afterEach, describe, expect, it } from '@jest/globals';
import type { GithubCredentialsCheck } from '../../src/web/check-github-credentials.js';
import { createReadyzHandler, type ReadinessChecks } from '../../src/web/readyz.js';
import { serve } from './serve.js';

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function probe(checks: ReadinessChecks, init: RequestInit = {}, path = '/readyz') {
  const server = await serve(createReadyzHandler(checks));
  servers.push(server.close);
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  const json = res.headers.get('content-type') === 'application/json' && text !== '';
  return { status: res.status, body: json ? (JSON.parse(text) as Record<string, unknown>) : null, headers: res.headers };
}

const storeOk = async () => {};
const github = (result: GithubCredentialsCheck) => async () => result;

describe('GET /readyz', () => {
  it('is 200 when the store answers and GitHub accepts the credentials', async () => {
    const { status, body } = await probe({ store: storeOk, github: github({ state: 'ok' }) });
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ready', store: { ok: true }, github: { ok: true } });
  });

  it('is 503 naming the store when it fails', async () => {
    const { status, body } = await probe({
      store: async () => Promise.reject(new Error('SQLITE_CANTOPEN')),
      github: github({ state: 'ok' }),
    });
    expect(status).toBe(503);
    expect(body).toEqual({
      status: 'not ready',
      store: { ok: false, reason: 'the audit store does not answer: SQLITE_CANTOPEN' },
      github: { ok: true },
    });
  });

  it('is 503 naming GitHub when it refuses the credentials', async () => {
    const reason = "GitHub refused the app's credentials on GET /app (HTTP 401): check APP_ID and PRIVATE_KEY";
    const { status, body } = await probe({ store: storeOk, github: github({ state: 'refused', reason }) });
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'not ready', github: { ok: false, reason } });
  });

  it('stays ready with a note when GitHub cannot be reached (work is queued meanwhile)', async () => {
    const { status, body } = await probe({
      store: storeOk,
      github: github({ state: 'unreachable', reason: 'GitHub did not answer GET /app (HTTP 502)' }),
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ github: { ok: true, note: 'credentials unverified: GitHub did not answer GET /app (HTTP 502)' } });
  });

  it('is 503 when the GitHub check itself throws', async () => {
    const { status, body } = await probe({ store: storeOk, github: async () => Promise.reject(new Error('boom')) });
    expect(status).toBe(503);
    expect(body).toMatchObject({ github: { ok: false, reason: 'the GitHub credentials check failed: boom' } });
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await probe({ store: storeOk, github: github({ state: 'ok' }) }, { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([200, null]);
    const post = await probe({ store: storeOk, github: github({ state: 'ok' }) }, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('leaves other paths to other handlers', async () => {
    const { status } = await probe({ store: storeOk, github: github({ state: 'ok' }) }, {}, '/readyzz');
    expect(status).toBe(404);
  });
});
