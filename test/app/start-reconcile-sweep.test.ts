import { describe, expect, it } from '@jest/globals';
import type { Probot } from 'probot';
import { RECONCILE_ASK_META_KEY } from '../../src/audit/reconcile-ask.js';
import { readReconcileSettings, reconcileIfDue, startReconcileSweep } from '../../src/app/reconciliation/start-reconcile-sweep.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import type { WorkRequest } from '../../src/store/work-request.js';

describe('RECONCILE_INTERVAL_MINUTES and RECONCILE_POLL_SECONDS', () => {
  it.each([
    [{}, { intervalMs: 360 * 60_000, pollMs: 60_000 }],
    [
      { RECONCILE_INTERVAL_MINUTES: '', RECONCILE_POLL_SECONDS: ' ' },
      { intervalMs: 360 * 60_000, pollMs: 60_000 },
    ],
    [{ RECONCILE_INTERVAL_MINUTES: '0' }, { intervalMs: 0, pollMs: 60_000 }],
    [
      { RECONCILE_INTERVAL_MINUTES: ' 90 ', RECONCILE_POLL_SECONDS: '0.5' },
      { intervalMs: 90 * 60_000, pollMs: 500 },
    ],
  ])('%p', (env, settings) => {
    expect(readReconcileSettings(env)).toEqual(settings);
  });

  it.each([
    [{ RECONCILE_INTERVAL_MINUTES: '-1' }, 'RECONCILE_INTERVAL_MINUTES must be 0 (off) or more, got "-1"'],
    [{ RECONCILE_INTERVAL_MINUTES: 'hourly' }, 'RECONCILE_INTERVAL_MINUTES must be a number of minutes (0: off), got "hourly"'],
    [{ RECONCILE_POLL_SECONDS: '0' }, 'RECONCILE_POLL_SECONDS must be greater than 0, got "0"'],
  ])('%p stops the start', (env, message) => {
    expect(() => readReconcileSettings(env)).toThrow(message);
  });
});

describe('reconcileIfDue', () => {
  const MINUTE = 60_000;
  const installations = [
    { id: 7, account: { login: 'acme' }, suspended_at: null },
    { id: 9, account: { login: 'globex' }, suspended_at: null },
    { id: 8, account: { login: 'suspended-org' }, suspended_at: '2025-01-01T00:00:00Z' },
  ];
  const app = {
    auth: async () => ({ paginate: async () => installations }),
  } as unknown as Pick<Probot, 'auth'>;

  async function drain(audit: Awaited<ReturnType<typeof openAuditStore>>, at: number): Promise<WorkRequest[]> {
    const claimed: WorkRequest[] = [];
    for (;;) {
      const work = await audit.queue.claim({ owner: 'test', now: at, leaseMs: 60_000 });
      if (work === null) return claimed;
      claimed.push(work.request);
      await audit.queue.complete({ key: work.key, owner: 'test', now: at });
    }
  }

  it('queues a sweep of each active installation once per interval, from the watermark', async () => {
    const audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    const deps = { audit, queue: audit.queue };
    const start = new Date('2026-01-01T00:00:00Z');
    try {
      expect(await reconcileIfDue({ deps, app, intervalMs: 360 * MINUTE, now: start })).toBe(2);
      expect(await reconcileIfDue({ deps, app, intervalMs: 360 * MINUTE, now: new Date(start.getTime() + 359 * MINUTE) })).toBe(0);
      expect(
        (await drain(audit, start.getTime() + 400 * MINUTE)).map((r) => [r.kind, r.installationId, 'since' in r ? r.since : '?']),
      ).toEqual([
        ['reconcile-installation', 7, null],
        ['reconcile-installation', 9, null],
      ]);
      expect(await reconcileIfDue({ deps, app, intervalMs: 360 * MINUTE, now: new Date(start.getTime() + 360 * MINUTE) })).toBe(2);
    } finally {
      await audit.close();
    }
  });

  it('with the periodic sweep off, queues only what `audit reconcile` asked, once, for the installation owning --repo', async () => {
    const audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    const deps = { audit, queue: audit.queue };
    const now = new Date('2026-01-01T00:00:00Z');
    try {
      expect(await reconcileIfDue({ deps, app, intervalMs: 0, now })).toBe(0);
      const ask = { since: '2025-10-01T00:00:00.000Z', repo: 'Globex/ledger', askedAt: '2025-12-31T23:59:00.000Z' };
      await audit.setMeta(RECONCILE_ASK_META_KEY, JSON.stringify(ask));

      expect(await reconcileIfDue({ deps, app, intervalMs: 0, now })).toBe(1);
      expect(await reconcileIfDue({ deps, app, intervalMs: 0, now })).toBe(0);
      expect(await drain(audit, now.getTime() + MINUTE)).toEqual([
        expect.objectContaining({ kind: 'reconcile-installation', installationId: 9, since: ask.since, repo: 'ledger' }),
      ]);
    } finally {
      await audit.close();
    }
  });
});

describe('startReconcileSweep', () => {
  it('answers an `audit reconcile` request at the next poll, but looks for a periodic sweep only from an hour after start', async () => {
    const audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    let clock = Date.parse('2026-01-01T00:00:00Z');
    let listed = 0;
    const app = {
      auth: async () => ({ paginate: async () => (listed++, [{ id: 7, account: { login: 'acme' }, suspended_at: null }]) }),
      log: { error: () => undefined },
    } as unknown as Probot;
    const deps = { audit, queue: audit.queue, now: () => new Date(clock) } as unknown as Parameters<typeof startReconcileSweep>[0]['deps'];
    const timer = startReconcileSweep({ deps, app, intervalMs: 360 * 60_000, pollMs: 20 });
    const polls = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 120));
    try {
      await polls();
      // Never swept, but the process just started: no periodic sweep yet.
      expect(listed).toBe(0);
      await audit.setMeta(RECONCILE_ASK_META_KEY, JSON.stringify({ since: '2025-12-01T00:00:00.000Z', repo: null, askedAt: 'a1' }));
      await polls();
      expect(listed).toBe(1);
      clock += 3_600_000;
      await polls();
      // An hour after start the periodic sweep is due (none recorded), and queued once.
      expect(listed).toBe(2);
    } finally {
      clearInterval(timer);
      await audit.close();
    }
  });
});
