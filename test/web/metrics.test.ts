import { afterEach, describe, expect, it } from '@jest/globals';
import { Counter, Registry } from 'prom-client';
import { setQueueStatsSource, webhooksReceived, registry as appRegistry } from '../../src/observability/metrics.js';
import { createMetricsHandler, readMetricsToken } from '../../src/web/metrics.js';
import { serve } from './serve.js';

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function scrape(options: Parameters<typeof createMetricsHandler>[0], headers: Record<string, string> = {}, method = 'GET') {
  const server = await serve(createMetricsHandler(options));
  servers.push(server.close);
  const res = await fetch(`${server.url}/metrics`, { headers, method });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('GET /metrics', () => {
  it("serves the app's registry in Prometheus text format", async () => {
    webhooksReceived.inc({ event: 'pull_request' });
    const { status, type, text } = await scrape({ registry: appRegistry });
    expect(status).toBe(200);
    expect(type).toBe(appRegistry.contentType);
    expect(text).toContain('change_control_webhooks_received_total{event="pull_request"} 1');
    expect(text).toContain('# TYPE change_control_queue_depth gauge');
    expect(text).toContain('change_control_process_resident_memory_bytes');
  });

  it('asks for the bearer token when one is set', async () => {
    const registry = new Registry();
    new Counter({ name: 'x_total', help: 'x', registers: [registry] }).inc();
    expect((await scrape({ registry, token: 's3cret-token' })).status).toBe(401);
    expect((await scrape({ registry, token: 's3cret-token' }, { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await scrape({ registry, token: 's3cret-token' }, { authorization: 'Basic s3cret-token' })).status).toBe(401);
    const ok = await scrape({ registry, token: 's3cret-token' }, { authorization: 'Bearer s3cret-token' });
    expect([ok.status, ok.text]).toEqual([200, '# HELP x_total x\n# TYPE x_total counter\nx_total 1\n']);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await scrape({ registry: new Registry() }, {}, 'POST')).status).toBe(405);
  });

  it.each([
    [undefined, undefined],
    ['', undefined],
    ['  ', undefined],
    ['abc', 'abc'],
  ])('METRICS_TOKEN=%j means token %j', (value, token) => {
    expect(readMetricsToken(value === undefined ? {} : { METRICS_TOKEN: value })).toBe(token);
  });
});

describe('the peak RSS gauge', () => {
  it('reports VmHWM in bytes (a Node process holds well over 10 MB)', async () => {
    const text = await appRegistry.metrics();
    const peak = Number(/^change_control_process_peak_resident_memory_bytes (\d+)$/m.exec(text)?.[1]);
    expect(peak).toBeGreaterThan(10 * 1024 * 1024);
  });
});

describe('the queue gauges', () => {
  it('read depth, age and retries from the source the queue registers, at scrape time', async () => {
    setQueueStatsSource(async () => ({ depth: 7, oldestAgeSeconds: 12.5, retrying: 2 }));
    const text = await appRegistry.metrics();
    setQueueStatsSource(null);
    expect(text).toContain('change_control_queue_depth 7');
    expect(text).toContain('change_control_queue_oldest_age_seconds 12.5');
    expect(text).toContain('change_control_queue_retrying 2');
  });
});
