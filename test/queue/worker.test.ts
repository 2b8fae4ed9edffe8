import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Logger } from 'probot';
import type { BatchingAuditStore } from '../../src/store/batching-audit-store.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { evaluations } from '../../src/observability/metrics.js';
import { DEFAULT_QUEUE_SETTINGS, retryDelay } from '../../src/queue/queue-settings.js';
import type { ClaimedWork } from '../../src/store/queue-store.js';
import { createWorker, type WorkResult } from '../../src/queue/worker.js';
import type { WorkRequest } from '../../src/store/work-request.js';

/** The evaluations counter by outcome, so a test can compare before and after. */
async function outcomes(): Promise<Record<string, number>> {
  const { values } = await evaluations.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
}

const SETTINGS = { ...DEFAULT_QUEUE_SETTINGS, concurrency: 2, retryBaseMs: 1000, retryMaxMs: 8000, alertAttempts: 3, pollMs: 60_000 };

function pull(number: number, deliveryId = `d-${number}`): WorkRequest {
  return {
    kind: 'pull',
    installationId: 1,
    owner: 'acme',
    repo: 'payments',
    number,
    headSha: null,
    deliveryIds: [deliveryId],
    force: 'none',
    statusWrites: [],
  };
}

/** A logger that keeps what was logged at warn and error. */
function recordingLog(): Logger & { lines: Array<{ level: string; msg: string }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const log = {
    lines,
    info: () => undefined,
    debug: () => undefined,
    warn: (_meta: unknown, msg: string) => void lines.push({ level: 'warn', msg }),
    error: (_meta: unknown, msg: string) => void lines.push({ level: 'error', msg }),
    child: () => log,
  };
  return log as unknown as Logger & { lines: typeof lines };
}

let store: BatchingAuditStore;
let now = 1_000_000;
const clock = () => now;
beforeEach(async () => {
  store = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
  now = 1_000_000;
});
afterEach(async () => {
  await store.close();
});

describe('queue worker', () => {
  it('runs every ready item, at most `concurrency` at once, and drains', async () => {
    let running = 0;
    let most = 0;
    const ran: number[] = [];
    const worker = createWorker({
      queue: store.queue,
      settings: SETTINGS,
      log: recordingLog(),
      clock,
      run: async (work: ClaimedWork): Promise<WorkResult> => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (work.request.kind === 'pull') ran.push(work.request.number);
        return { kind: 'done', outcome: 'published' };
      },
    });
    await store.queue.enqueue([pull(1), pull(2), pull(3), pull(4), pull(5)], now);

    await worker.drain();

    expect(ran.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect((await store.queue.stats()).depth).toBe(0);
  });

  it('puts failed work back with exponential backoff, logs an error from the alert threshold on, and never drops it', async () => {
    const attempts: number[] = [];
    const log = recordingLog();
    const worker = createWorker({
      queue: store.queue,
      settings: SETTINGS,
      log,
      clock,
      run: async (work) => {
        attempts.push(work.attempts);
        if (work.attempts === 2) throw new Error('GitHub answered 502');
        return work.attempts < 4 ? { kind: 'retryable', reason: 'Jira lookup of CHG-1 failed' } : { kind: 'done', outcome: 'published' };
      },
    });
    await store.queue.enqueue([pull(1)], now);
    const before = await outcomes();

    for (const attempt of [1, 2, 3]) {
      await worker.drain();
      expect(attempts).toHaveLength(attempt);
      now += retryDelay(SETTINGS, attempt) - 1;
      await worker.drain(); // not due yet
      expect(attempts).toHaveLength(attempt);
      now += 1;
    }
    await worker.drain();

    expect(attempts).toEqual([1, 2, 3, 4]);
    expect([1, 2, 3].map((a) => retryDelay(SETTINGS, a))).toEqual([1000, 2000, 4000]);
    expect(log.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'error']);
    const after = await outcomes();
    const delta = (outcome: string) => (after[outcome] ?? 0) - (before[outcome] ?? 0);
    expect({ requeued: delta('requeued'), failed: delta('failed'), published: delta('published') }).toEqual({
      requeued: 2,
      failed: 1,
      published: 1,
    });
    expect((await store.queue.stats()).depth).toBe(0);
  });

  it('on stop, releases work still running after the grace period, so another process takes it at once', async () => {
    const worker = createWorker({
      queue: store.queue,
      settings: SETTINGS,
      log: recordingLog(),
      clock,
      run: () => new Promise<WorkResult>(() => undefined),
    });
    await store.queue.enqueue([pull(1)], now);
    worker.wake();
    await new Promise((resolve) => setTimeout(resolve, 20));

    await worker.stop(10);

    expect(await store.queue.claim({ owner: 'other', now, leaseMs: 1000 })).toMatchObject({ attempts: 1, request: { number: 1 } });
  });

  it('on stop, lets work in flight finish within the grace period', async () => {
    let finished = false;
    const worker = createWorker({
      queue: store.queue,
      settings: SETTINGS,
      log: recordingLog(),
      clock,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        finished = true;
        return { kind: 'done', outcome: 'published' };
      },
    });
    await store.queue.enqueue([pull(1)], now);
    worker.wake();
    await new Promise((resolve) => setTimeout(resolve, 5));

    await worker.stop(5000);

    expect(finished).toBe(true);
    expect((await store.queue.stats()).depth).toBe(0);
  });
});
