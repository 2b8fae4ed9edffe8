import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Probot, ProbotOctokit } from 'probot';
import { classifyGithubRequest } from '../../src/observability/classify-github-request.js';
import { githubMetricsPlugin, instrumentOctokit, rateLimitOf } from '../../src/observability/github-metrics.js';
import { githubRateLimitWaits, githubRequests, registry, webhooksReceived } from '../../src/observability/metrics.js';
import { observeApp } from '../../src/observability/observe-app.js';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error';

/** A fetch that answers from a script and records what was asked, so nothing leaves the process. */
function scriptedFetch(replies: Reply[]) {
  const asked: string[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    asked.push(`${init?.method ?? 'GET'} ${String(input)}`);
    const reply = replies.shift() ?? { status: 200, body: {} };
    if (reply === 'network-error') throw new TypeError('fetch failed');
    return new Response(reply.status === 204 ? null : JSON.stringify(reply.body ?? {}), {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  };
  return { fetch, asked };
}

function octokitOver(replies: Reply[], options: { retry?: boolean } = {}) {
  const { fetch, asked } = scriptedFetch(replies);
  const Octokit = ProbotOctokit.defaults({
    retry: options.retry ? { enabled: true, retryAfterBaseValue: 1 } : { enabled: false },
    throttle: { enabled: false },
  });
  const octokit = new Octokit({ auth: 'ghs_test', request: { fetch } });
  return { octokit, asked };
}

async function count(kind: string, status: string): Promise<number> {
  const metric = await githubRequests.get();
  return metric.values.find((v) => v.labels.kind === kind && v.labels.status === status)?.value ?? 0;
}

async function waits(limit: string): Promise<number> {
  const metric = await githubRateLimitWaits.get();
  return metric.values.find((v) => v.labels.limit === limit)?.value ?? 0;
}

beforeEach(() => registry.resetMetrics());

describe('classifyGithubRequest', () => {
  it.each([
    ['GET', 'https://api.github.com/repos/o/r/pulls/1', 'read'],
    ['HEAD', 'https://api.github.com/app', 'read'],
    ['POST', 'https://api.github.com/graphql', 'graphql'],
    ['POST', 'http://127.0.0.1:9/api/graphql?x=1', 'graphql'],
    ['POST', 'https://api.github.com/app/installations/42/access_tokens', 'token'],
    ['POST', 'https://api.github.com/repos/o/r/statuses/abc', 'write'],
    ['PATCH', 'https://api.github.com/repos/o/r/check-runs/7', 'write'],
    ['DELETE', 'https://api.github.com/repos/o/r/issues/comments/7', 'write'],
  ])('%s %s is %s', (method, url, kind) => {
    expect(classifyGithubRequest(method, url)).toBe(kind);
  });
});

describe('rateLimitOf', () => {
  it.each([
    [403, { 'x-ratelimit-remaining': '0' }, 'primary'],
    [429, { 'x-ratelimit-remaining': '0', 'retry-after': '60' }, 'primary'],
    [403, { 'retry-after': '30', 'x-ratelimit-remaining': '4000' }, 'secondary'],
    [429, { 'retry-after': '1' }, 'secondary'],
    [403, { 'x-ratelimit-remaining': '10' }, null],
    [500, { 'retry-after': '1' }, null],
    [200, { 'x-ratelimit-remaining': '0' }, null],
  ])('%i with %j is %s', (status, headers, limit) => {
    expect(rateLimitOf({ status, headers: new Headers(headers) })).toBe(limit);
  });
});

describe('instrumentOctokit', () => {
  it('counts each request by kind and status', async () => {
    const { octokit } = octokitOver([
      { status: 200, body: { id: 1 } },
      { status: 201, body: {} },
      { status: 200, body: { data: { viewer: { login: 'x' } } } },
    ]);
    instrumentOctokit(octokit);
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    await octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', { owner: 'o', repo: 'r', sha: 'abc', state: 'success' });
    await octokit.graphql('query { viewer { login } }');
    expect([await count('read', '200'), await count('write', '201'), await count('graphql', '200')]).toEqual([1, 1, 1]);
  });

  it('counts failed answers and network errors, and still throws them', async () => {
    const { octokit } = octokitOver([{ status: 502, body: { message: 'bad gateway' } }, 'network-error']);
    instrumentOctokit(octokit);
    await expect(octokit.request('GET /app')).rejects.toMatchObject({ status: 502 });
    await expect(octokit.request('POST /repos/o/r/statuses/abc')).rejects.toThrow();
    expect([await count('read', '502'), await count('write', 'network')]).toEqual([1, 1]);
  });

  it('notices primary and secondary rate limits', async () => {
    const { octokit } = octokitOver([
      {
        status: 403,
        body: { message: 'API rate limit exceeded' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000000000' },
      },
      { status: 429, body: { message: 'secondary rate limit' }, headers: { 'retry-after': '5' } },
    ]);
    instrumentOctokit(octokit);
    await expect(octokit.request('GET /app')).rejects.toMatchObject({ status: 403 });
    await expect(octokit.request('POST /repos/o/r/statuses/abc')).rejects.toMatchObject({ status: 429 });
    expect([await waits('primary'), await waits('secondary'), await count('write', '429')]).toEqual([1, 1, 1]);
  });

  it('counts every attempt on the wire when the retry plugin retries', async () => {
    const { octokit, asked } = octokitOver([{ status: 502 }, { status: 503 }, { status: 200, body: { id: 1 } }], { retry: true });
    instrumentOctokit(octokit);
    await octokit.request('GET /app');
    expect(asked).toHaveLength(3);
    expect([await count('read', '502'), await count('read', '503'), await count('read', '200')]).toEqual([1, 1, 1]);
  });

  it('counts once when the same octokit is instrumented twice, or by the plugin and by hand', async () => {
    const { fetch } = scriptedFetch([]);
    const Octokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }).plugin(githubMetricsPlugin);
    const octokit = new Octokit({ auth: 'ghs_test', request: { fetch } });
    instrumentOctokit(octokit);
    instrumentOctokit(octokit);
    await octokit.request('GET /app');
    expect(await count('read', '200')).toBe(1);
  });
});

describe('observeApp', () => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  it('counts webhooks by event and instruments installation octokits from app.auth, token request included', async () => {
    const { fetch, asked } = scriptedFetch([
      { status: 201, body: { token: 'ghs_x', expires_at: '2099-01-01T00:00:00Z' } },
      { status: 200, body: { id: 1 } },
    ]);
    const probot = new Probot({
      appId: 1,
      privateKey,
      logLevel: 'fatal',
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false }, request: { fetch } }),
    });
    await probot.load((app) => observeApp(app), { cwd: process.cwd(), addHandler: () => {} });
    await probot.receive({ id: 'd1', name: 'ping', payload: { zen: 'z', hook_id: 1 } } as never);
    const octokit = await probot.auth(7);
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' });
    const received = await webhooksReceived.get();
    expect(received.values.find((v) => v.labels.event === 'ping')?.value).toBe(1);
    expect(asked).toEqual(['POST https://api.github.com/app/installations/7/access_tokens', 'GET https://api.github.com/repos/o/r']);
    expect([await count('token', '201'), await count('read', '200')]).toEqual([1, 1]);
  });
});
