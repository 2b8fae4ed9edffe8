import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'probot';
import { evaluationDuration, evaluations } from '../observability/metrics.js';
import type { DeadLetter } from '../store/item-row.js';
import type { ClaimedWork, QueueStore } from '../store/queue-store.js';
import { retryDelay, type QueueSettings } from './queue-settings.js';

/** What became of one claimed item: done (published, skipped, or dispatched to the PRs of a commit), or to be retried later. */
export type WorkResult = { kind: 'done'; outcome: 'published' | 'skipped' | 'dispatched' } | { kind: 'retryable'; reason: string };

export interface Worker {
  /** This process's lease owner id. */
  readonly owner: string;
  /** Starts polling (for other replicas' work and retries that come due). */
  start(): void;
  /** Work was queued here: look now instead of at the next poll. */
  wake(): void;
  /** Resolves once nothing is ready and nothing is in flight (tests, the benchmark). */
  drain(): Promise<void>;
  /** Stops claiming, lets work in flight finish within `graceMs`, then releases what is left. */
  stop(graceMs?: number): Promise<void>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Delivery ids are kept a week (GitHub lets a delivery be redelivered for 3 days); pruned about hourly. */
const DELIVERY_RETENTION_MS = 7 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Runs queued work: up to `concurrency` PRs at once, each under a lease that is renewed while it runs. A
 * failure (a thrown error or a `retry` result) puts the item back with exponential backoff and its attempt
 * count; nothing is dropped. The queue itself guarantees one evaluation per PR at a time across processes.
 */
export function createWorker(input: {
  queue: QueueStore;
  run: (work: ClaimedWork) => Promise<WorkResult>;
  settings: QueueSettings;
  log: Logger;
  clock?: () => number;
}): Worker {
  const { queue, settings, log } = input;
  const clock = input.clock ?? Date.now;
  const owner = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const inFlight = new Map<string, Promise<void>>();
  const renewals = new Map<string, NodeJS.Timeout>();
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let fills: Promise<void> = Promise.resolve();
  let prunedAt = 0;

  async function pruneDeliveries(): Promise<void> {
    const now = clock();
    if (now - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now;
    try {
      const pruned = await queue.pruneDeliveries(now - DELIVERY_RETENTION_MS);
      if (pruned > 0) log.info({ pruned }, 'forgot old delivery ids');
    } catch (error) {
      log.warn({ err: error }, 'pruning old delivery ids failed');
    }
  }

  /** `threw`: the run ended in an exception (counted `failed`), else a `retry` result (counted `requeued`). */
  async function finish(work: ClaimedWork, result: WorkResult, threw: boolean): Promise<void> {
    if (result.kind === 'done') {
      evaluations.inc({ outcome: result.outcome });
      await queue.complete({ key: work.key, owner, now: clock(), followUpDelayMs: settings.followUpDelayMs });
      return;
    }
    evaluations.inc({ outcome: threw ? 'failed' : 'requeued' });
    const delay = retryDelay(settings, work.attempts);
    const meta = { work: work.key, attempts: work.attempts, retryInMs: delay, reason: result.reason };
    if (work.attempts >= settings.alertAttempts) log.error(meta, 'queued work keeps failing; it stays queued and is retried');
    else log.warn(meta, 'queued work failed; retrying later');
    await queue.fail({ key: work.key, owner, retryAt: clock() + delay, error: result.reason.slice(0, 2000) });
  }

  async function execute(work: ClaimedWork): Promise<void> {
    const renewal = setInterval(
      () => {
        queue.renew({ key: work.key, owner, now: clock(), leaseMs: settings.leaseMs }).then(
          (held) => held || log.error({ work: work.key }, 'lease lost: another process took this work over'),
          (error: unknown) => log.warn({ err: error, work: work.key }, 'lease renewal failed'),
        );
      },
      Math.max(100, Math.floor(settings.leaseMs / 3)),
    );
    renewals.set(work.key, renewal);
    const endTimer = evaluationDuration.startTimer();
    let result: WorkResult;
    let threw = false;
    try {
      result = await input.run(work);
    } catch (error) {
      threw = true;
      result = { kind: 'retryable', reason: message(error) };
    } finally {
      clearInterval(renewal);
      renewals.delete(work.key);
      endTimer();
    }
    try {
      await finish(work, result, threw);
    } catch (error) {
      // The lease expires and another claim runs the work again: nothing is lost.
      log.error({ err: error, work: work.key }, 'could not record the end of queued work');
    }
  }

  function launch(work: ClaimedWork): void {
    const running = execute(work).finally(() => {
      inFlight.delete(work.key);
      worker.wake();
    });
    inFlight.set(work.key, running);
  }

  /** An alert: a queue row could not be parsed and was moved aside (its PR waits for its next event or a recheck). */
  function onDeadLetter(dead: DeadLetter): void {
    log.error(
      { work: dead.key, reason: dead.error },
      'queue row cannot be parsed: moved to queue_dead_letters, the rest of the queue goes on',
    );
  }

  async function fillOnce(): Promise<void> {
    while (!stopping && inFlight.size < settings.concurrency) {
      let work: ClaimedWork | null;
      try {
        work = await queue.claim({ owner, now: clock(), leaseMs: settings.leaseMs, onDeadLetter });
      } catch (error) {
        log.error({ err: error }, 'claiming queued work failed; trying again at the next poll');
        return;
      }
      if (work === null) return;
      launch(work);
    }
  }

  /** One fill at a time, in order: a wake during a fill runs another pass after it. */
  function fill(): Promise<void> {
    fills = fills.then(fillOnce);
    return fills;
  }

  function poll(): void {
    timer = setTimeout(() => {
      void Promise.all([fill(), pruneDeliveries()]).finally(() => {
        if (!stopping) poll();
      });
    }, settings.pollMs);
    timer.unref();
  }

  const worker: Worker = {
    owner,
    start() {
      stopping = false;
      poll();
      void fill();
    },
    wake() {
      if (!stopping) void fill();
    },
    async drain() {
      for (;;) {
        await fill();
        if (inFlight.size === 0) return;
        await Promise.allSettled([...inFlight.values()]);
      }
    },
    async stop(graceMs = settings.shutdownGraceMs) {
      stopping = true;
      if (timer) clearTimeout(timer);
      await fills;
      const keys = [...inFlight.keys()];
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<'late'>((resolve) => {
        graceTimer = setTimeout(() => resolve('late'), graceMs);
      });
      const finished = await Promise.race([Promise.allSettled([...inFlight.values()]).then(() => 'done' as const), grace]);
      clearTimeout(graceTimer);
      if (finished === 'done') return;
      const left = keys.filter((key) => inFlight.has(key));
      log.warn({ work: left }, 'shutting down with work in flight: releasing it for another process');
      for (const key of left) clearInterval(renewals.get(key));
      for (const key of left)
        await queue
          .release({ key, owner, now: clock() })
          .catch((error: unknown) => log.error({ err: error, work: key }, 'release failed; the lease will expire'));
    },
  };
  return worker;
}
