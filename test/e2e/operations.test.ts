import { describe, expect, it } from '@jest/globals';
import type { E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestEvent } from './harness/webhooks.js';

/** The operations endpoints of the real server process (`node lib/main.js`): /healthz, /readyz, /metrics. */

const METRICS_TOKEN = 'bench-metrics-token-0123456789';
let e2e: E2E;
useE2E((started) => (e2e = started), { env: { METRICS_TOKEN } });

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The value of one sample line, e.g. `change_control_webhooks_received_total{event="pull_request"}`; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('operations endpoints', () => {
  it('GET /healthz and GET /readyz answer 200 when the store and the app credentials are usable; readyz asks GitHub GET /app once', async () => {
    expect((await fetch(`${e2e.app.url}/healthz`)).status).toBe(200);
    const mark = e2e.github.mark();
    const first = await fetch(`${e2e.app.url}/readyz`);
    const second = await fetch(`${e2e.app.url}/readyz`);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toEqual({ status: 'ready', store: { ok: true }, github: { ok: true } });
    // Cached: probes every few seconds do not spend GitHub requests.
    const asked = e2e.github.requests().filter((r) => r.seq > mark && r.path === '/api/v3/app');
    expect(asked.length).toBeLessThanOrEqual(1);
  });

  it('GET /readyz is 503 naming GitHub when it refuses the credentials (a replica with a revoked key)', async () => {
    const refusal = e2e.github.injectFailure({
      method: 'GET',
      path: '/api/v3/app',
      status: 401,
      body: { message: 'A JSON web token could not be decoded' },
    });
    try {
      const replica = await e2e.startAnother();
      const res = await fetch(`${replica.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: 'not ready',
        store: { ok: true },
        github: { ok: false, reason: expect.stringContaining('HTTP 401') },
      });
    } finally {
      refusal.clear();
    }
  });

  it('GET /metrics counts the webhook and the GitHub requests of its evaluation, and refuses a scrape without the token', async () => {
    expect((await fetch(`${e2e.app.url}/metrics`)).status).toBe(401);
    const before = await scrape(e2e.app.url);
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);

    const { status } = await e2e.evaluate(pr, { payload: pullRequestEvent(pr, 'opened') });

    expect(status.state).toBe('success');
    const after = await scrape(e2e.app.url);
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('change_control_webhooks_received_total{event="pull_request"}')).toBe(1);
    expect(delta('change_control_github_requests_total{kind="graphql",status="200"}')).toBe(1);
    expect(delta('change_control_github_requests_total{kind="write",status="201"}')).toBe(2);
    expect(delta('change_control_github_requests_total{kind="token",status="201"}')).toBe(1);
    expect(delta('change_control_verdicts_total{state="success"}')).toBe(1);
    expect(delta('change_control_ticket_lookup_duration_seconds_count{provider="jira",outcome="ok"}')).toBe(1);
    expect(sample(after, 'change_control_queue_depth')).toBe(0);
    expect(sample(after, 'change_control_process_peak_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
