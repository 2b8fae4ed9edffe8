import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Logger, Probot } from 'probot';
import { POLL_CURSOR_KEY, POLL_META_KEY, pollServiceNowChanges } from '../../src/app/polls/poll-servicenow-changes.js';
import { readServiceNowPollEnv } from '../../src/app/polls/read-servicenow-poll-env.js';
import { startServiceNowPoll } from '../../src/app/polls/start-servicenow-poll.js';
import { createShutdownGate } from '../../src/app/shutdown-gate.js';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import type { BatchingAuditStore } from '../../src/store/batching-audit-store.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';

describe('SERVICENOW_POLL_MINUTES and SERVICENOW_POLL_MAX_CHANGES', () => {
  it.each<{ env: Record<string, string | undefined>; settings: { intervalMs: number | null; maxChanges: number } }>([
    { env: {}, settings: { intervalMs: 300_000, maxChanges: 50 } },
    { env: { SERVICENOW_POLL_MINUTES: ' ' }, settings: { intervalMs: 300_000, maxChanges: 50 } },
    { env: { SERVICENOW_POLL_MINUTES: '0' }, settings: { intervalMs: null, maxChanges: 50 } },
    { env: { SERVICENOW_POLL_MINUTES: '0.5', SERVICENOW_POLL_MAX_CHANGES: '10' }, settings: { intervalMs: 30_000, maxChanges: 10 } },
  ])('$env gives $settings', ({ env, settings }) => {
    expect(readServiceNowPollEnv(env)).toEqual(settings);
  });

  it.each([
    [{ SERVICENOW_POLL_MINUTES: 'often' }, 'SERVICENOW_POLL_MINUTES must be a number of minutes (0 switches the poll off), got "often"'],
    [{ SERVICENOW_POLL_MINUTES: '-1' }, 'SERVICENOW_POLL_MINUTES must be 0 (off) or more, got "-1"'],
    [{ SERVICENOW_POLL_MINUTES: '2000' }, 'SERVICENOW_POLL_MINUTES must be at most 1440 (a day), got "2000"'],
    [{ SERVICENOW_POLL_MAX_CHANGES: '2.5' }, 'SERVICENOW_POLL_MAX_CHANGES must be a whole number, got "2.5"'],
    [{ SERVICENOW_POLL_MAX_CHANGES: '0' }, 'SERVICENOW_POLL_MAX_CHANGES must be between 1 and 1000, got "0"'],
  ])('%p stops the start: %s', (env, message) => {
    expect(() => readServiceNowPollEnv(env)).toThrow(message);
  });
});

describe('pollServiceNowChanges', () => {
  const MINUTES_5 = 300_000;
  const START = new Date('2026-12-06T23:00:00.000Z');
  const later = (ms: number) => new Date(START.getTime() + ms);
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined, child: () => log } as unknown as Logger;
  let audit: BatchingAuditStore;
  let forgotten: string[];
  let deps: AppDeps;
  let seeded = 0;

  const lookup = (key: string, found = true) =>
    found
      ? { found: true, key, requestedKey: key, status: 'Assess', issueType: 'Normal', summary: '', url: '' }
      : { found: false, requestedKey: key, url: '' };
  const verdict = (state: string, provider: string, tickets: { key: string; outcome: string; found?: boolean }[]) => ({
    state,
    controls: [
      {
        control: 'ticket',
        outcome: tickets.every((t) => t.outcome === 'success') ? 'success' : 'failure',
        evidence: { provider, tickets: tickets.map((t) => ({ key: t.key, outcome: t.outcome, lookup: lookup(t.key, t.found) })) },
      },
    ],
  });
  async function seed(repo: string, prNumber: number, keys: string[], recorded: unknown): Promise<void> {
    const headSha = String(prNumber).padStart(40, '0');
    await audit.indexTicketKeys({ repo, prNumber, installationId: 42, headSha, keys });
    await audit.append({
      kind: 'verdict',
      at: START.toISOString(),
      deliveryId: `d-${(seeded += 1)}`,
      repo,
      prNumber,
      headSha,
      data: { verdict: recorded },
    });
  }
  async function queued(): Promise<string[]> {
    const found: string[] = [];
    for (;;) {
      const work = await audit.queue.claim({ owner: 'test', now: Date.now() + 3_600_000, leaseMs: 60_000 });
      if (!work) return found.sort();
      const r = work.request;
      found.push(r.kind === 'pull' ? `${r.owner}/${r.repo}#${r.number}@${r.deliveryIds.join(',')}` : r.kind);
      await audit.queue.complete({ key: work.key, owner: 'test', now: Date.now() + 3_600_000 });
    }
  }

  beforeEach(async () => {
    audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    forgotten = [];
    deps = {
      audit,
      queue: audit.queue,
      tickets: { unavailable: 'not configured' },
      serviceNow: {
        reader: {
          provider: 'servicenow',
          lookup: async () => Promise.reject(new Error('the poll never reads ServiceNow')),
          forget: (key: string) => void forgotten.push(key),
        },
      },
    } as unknown as AppDeps;
    await seed('acme/payments', 7, ['CHG0030001'], verdict('failure', 'servicenow', [{ key: 'CHG0030001', outcome: 'failure' }]));
    await seed(
      'acme/ledger',
      3,
      ['CHG0030001', 'CHG0030002'],
      verdict('pending', 'servicenow', [
        { key: 'CHG0030001', outcome: 'failure' },
        { key: 'CHG0030002', outcome: 'failure' },
      ]),
    );
    await seed('acme/web', 5, ['CHG0030003'], verdict('success', 'servicenow', [{ key: 'CHG0030003', outcome: 'success' }]));
    await seed('acme/api', 9, ['CHG-1'], verdict('failure', 'jira', [{ key: 'CHG-1', outcome: 'failure' }]));
    await seed(
      'acme/typo',
      11,
      ['CHG0039999'],
      verdict('failure', 'servicenow', [{ key: 'CHG0039999', outcome: 'failure', found: false }]),
    );
  });
  afterEach(async () => {
    await audit.close();
  });

  it('queues, once per period across replicas, each open PR whose last verdict waits on a ServiceNow change', async () => {
    const first = await pollServiceNowChanges({ deps, log, now: START, intervalMs: MINUTES_5, maxChanges: 50 });
    const sameReplica = await pollServiceNowChanges({ deps, log, now: later(60_000), intervalMs: MINUTES_5, maxChanges: 50 });
    // Another replica that read the meta key before this one wrote it: same period, same delivery, nothing queued twice.
    await audit.setMeta(POLL_META_KEY, later(-MINUTES_5).toISOString());
    const otherReplica = await pollServiceNowChanges({ deps, log, now: later(1_000), intervalMs: MINUTES_5, maxChanges: 50 });

    const delivery = `servicenow-poll-${Math.floor(START.getTime() / MINUTES_5)}`;
    expect(first).toEqual({
      ran: true,
      deliveryId: delivery,
      changes: ['CHG0030001', 'CHG0030002'],
      queued: 2,
      duplicate: false,
      cursor: null,
    });
    expect(sameReplica).toEqual({ ran: false, lastAt: START.toISOString() });
    expect(otherReplica).toMatchObject({ ran: true, deliveryId: delivery, queued: 0, duplicate: true });
    expect(await queued()).toEqual([`acme/ledger#3@${delivery}`, `acme/payments#7@${delivery}`]);
    expect(forgotten).toEqual(['CHG0030001', 'CHG0030002', 'CHG0030001', 'CHG0030002']);
  });

  it('polls again once the interval has passed, and stops queueing a PR whose verdict no longer waits', async () => {
    await pollServiceNowChanges({ deps, log, now: START, intervalMs: MINUTES_5, maxChanges: 50 });
    await queued();
    await seed('acme/payments', 7, ['CHG0030001'], verdict('success', 'servicenow', [{ key: 'CHG0030001', outcome: 'success' }]));

    const next = await pollServiceNowChanges({ deps, log, now: later(MINUTES_5), intervalMs: MINUTES_5, maxChanges: 50 });

    expect(next).toMatchObject({ ran: true, changes: ['CHG0030001', 'CHG0030002'], queued: 1 });
    expect(await queued()).toEqual([`acme/ledger#3@servicenow-poll-${Math.floor(later(MINUTES_5).getTime() / MINUTES_5)}`]);
  });

  it('takes at most maxChanges changes per poll and goes on from there at the next one', async () => {
    const first = await pollServiceNowChanges({ deps, log, now: START, intervalMs: MINUTES_5, maxChanges: 1 });
    const cursorAfterFirst = await audit.getMeta(POLL_CURSOR_KEY);
    const second = await pollServiceNowChanges({ deps, log, now: later(MINUTES_5), intervalMs: MINUTES_5, maxChanges: 1 });
    const third = await pollServiceNowChanges({ deps, log, now: later(2 * MINUTES_5), intervalMs: MINUTES_5, maxChanges: 1 });

    expect(first).toMatchObject({ changes: ['CHG0030001'], queued: 2, cursor: 'CHG0030001' });
    expect(cursorAfterFirst).toBe('CHG0030001');
    expect(second).toMatchObject({ changes: ['CHG0030002'], queued: 1, cursor: null });
    expect(third).toMatchObject({ changes: ['CHG0030001'], queued: 2, cursor: 'CHG0030001' });
  });

  it('queues nothing when no verdict waits on a ServiceNow change', async () => {
    for (const [repo, prNumber] of [
      ['acme/payments', 7],
      ['acme/ledger', 3],
    ] as const)
      await audit.indexTicketKeys({ repo, prNumber, installationId: 42, headSha: '0'.repeat(40), keys: [] });

    const result = await pollServiceNowChanges({ deps, log, now: START, intervalMs: MINUTES_5, maxChanges: 50 });

    expect(result).toMatchObject({ ran: true, changes: [], queued: 0 });
    expect(await queued()).toEqual([]);
    expect(forgotten).toEqual([]);
  });
});

describe('startServiceNowPoll', () => {
  const app = { log: { child: () => ({}) } } as unknown as Probot;
  const reader = { reader: { provider: 'servicenow', lookup: async () => Promise.reject(new Error('unused')) } };
  it.each([
    { case: 'the poll is off', serviceNow: reader, intervalMs: null, starts: false },
    { case: 'ServiceNow is not configured', serviceNow: undefined, intervalMs: 300_000, starts: false },
    {
      case: 'ServiceNow is misconfigured (no verdict can wait on a change)',
      serviceNow: { unavailable: 'SERVICENOW_INSTANCE_URL is not set' },
      intervalMs: 300_000,
      starts: false,
    },
    { case: 'ServiceNow is configured', serviceNow: reader, intervalMs: 300_000, starts: true },
  ])('$case: starts $starts', ({ serviceNow, intervalMs, starts }) => {
    const deps = { serviceNow } as unknown as AppDeps;

    const timer = startServiceNowPoll({ deps, app, settings: { intervalMs, maxChanges: 50 }, gate: createShutdownGate() });

    expect(timer !== null).toBe(starts);
    if (timer) {
      expect(timer.hasRef()).toBe(false);
      clearInterval(timer);
    }
  });
});
