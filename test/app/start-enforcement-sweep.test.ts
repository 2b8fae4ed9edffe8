import { describe, expect, it } from '@jest/globals';
import type { Probot } from 'probot';
import { readEnforcementInterval, sweepIfDue } from '../../src/app/enforcement/start-enforcement-sweep.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';

describe('ENFORCEMENT_CHECK_INTERVAL_HOURS', () => {
  it.each([
    [undefined, 24 * 3_600_000],
    ['', 24 * 3_600_000],
    ['12', 12 * 3_600_000],
    [' 0.5 ', 1_800_000],
  ])('%p is %p ms', (value, ms) => {
    expect(readEnforcementInterval({ ENFORCEMENT_CHECK_INTERVAL_HOURS: value })).toBe(ms);
  });

  it.each([
    ['0', 'ENFORCEMENT_CHECK_INTERVAL_HOURS must be greater than 0, got "0"'],
    ['-3', 'ENFORCEMENT_CHECK_INTERVAL_HOURS must be greater than 0, got "-3"'],
    ['daily', 'ENFORCEMENT_CHECK_INTERVAL_HOURS must be a number of hours, got "daily"'],
  ])('%p stops the start', (value, message) => {
    expect(() => readEnforcementInterval({ ENFORCEMENT_CHECK_INTERVAL_HOURS: value })).toThrow(message);
  });
});

describe('sweepIfDue', () => {
  const HOUR = 3_600_000;
  const installations = [
    { id: 7, account: { login: 'acme' }, suspended_at: null },
    { id: 8, account: { login: 'suspended-org' }, suspended_at: '2025-01-01T00:00:00Z' },
  ];

  it('queues a sweep of each active installation once per interval, counting from the last one recorded', async () => {
    const audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    const calls: string[] = [];
    const app = {
      auth: async () => ({
        paginate: async (route: string) => {
          calls.push(route);
          return installations;
        },
      }),
    } as unknown as Pick<Probot, 'auth'>;
    const deps = { audit, queue: audit.queue };
    const start = new Date('2026-01-01T00:00:00Z');
    try {
      expect(await sweepIfDue({ deps, app, intervalMs: 24 * HOUR, now: start })).toBe(1);
      expect(await sweepIfDue({ deps, app, intervalMs: 24 * HOUR, now: new Date(start.getTime() + 23 * HOUR) })).toBe(0);
      expect(await sweepIfDue({ deps, app, intervalMs: 24 * HOUR, now: new Date(start.getTime() + 24 * HOUR) })).toBe(1);
      expect(calls).toEqual(['GET /app/installations', 'GET /app/installations']);
      const claimed = await audit.queue.claim({ owner: 'test', now: start.getTime() + 25 * HOUR, leaseMs: 60_000 });
      expect(claimed?.request).toMatchObject({ kind: 'installation-sweep', installationId: 7, owner: 'acme', trigger: 'sweep' });
      expect(await audit.queue.claim({ owner: 'test', now: start.getTime() + 25 * HOUR, leaseMs: 60_000 })).toBeNull();
    } finally {
      await audit.close();
    }
  });
});
