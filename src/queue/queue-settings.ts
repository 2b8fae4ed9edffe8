import { z } from 'zod';

const whole = (name: string, min: number, fallback: number) =>
  z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : value),
    z.coerce
      .number({ error: `${name} must be a whole number ≥ ${min}` })
      .int({ error: `${name} must be a whole number ≥ ${min}` })
      .min(min, { error: `${name} must be a whole number ≥ ${min}` })
      .default(fallback),
  );

/** The worker's settings (docs/queue.md lists them with their defaults). */
export const QueueEnv = z.object({
  /** Pull requests evaluated at once by one process. */
  CHANGE_CONTROL_WORKER_CONCURRENCY: whole('CHANGE_CONTROL_WORKER_CONCURRENCY', 1, 4),
  /** How often a worker looks for work queued by other replicas or waiting for a retry. */
  CHANGE_CONTROL_QUEUE_POLL_MS: whole('CHANGE_CONTROL_QUEUE_POLL_MS', 10, 1000),
  /** How long a claim holds a PR; renewed while the evaluation runs, taken over when its process died. */
  CHANGE_CONTROL_QUEUE_LEASE_MS: whole('CHANGE_CONTROL_QUEUE_LEASE_MS', 1000, 60_000),
  /** First retry delay after a failed evaluation; doubled per attempt up to the maximum. */
  CHANGE_CONTROL_RETRY_BASE_MS: whole('CHANGE_CONTROL_RETRY_BASE_MS', 10, 5000),
  CHANGE_CONTROL_RETRY_MAX_MS: whole('CHANGE_CONTROL_RETRY_MAX_MS', 10, 600_000),
  /** How long the one follow-up of a PR waits after its evaluation, gathering the rest of a burst of events. */
  CHANGE_CONTROL_FOLLOW_UP_DELAY_MS: whole('CHANGE_CONTROL_FOLLOW_UP_DELAY_MS', 0, 250),
  /** From this many failed attempts on, each failure is logged as an error (alert on the retrying gauge). */
  CHANGE_CONTROL_RETRY_ALERT_ATTEMPTS: whole('CHANGE_CONTROL_RETRY_ALERT_ATTEMPTS', 1, 5),
  /** On SIGTERM: how long evaluations in flight may take to finish before their leases are released. */
  CHANGE_CONTROL_SHUTDOWN_GRACE_MS: whole('CHANGE_CONTROL_SHUTDOWN_GRACE_MS', 0, 20_000),
});

export interface QueueSettings {
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  alertAttempts: number;
  shutdownGraceMs: number;
  followUpDelayMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = readQueueEnv({});

/** Reads the worker settings; throws one message naming every bad variable. */
export function readQueueEnv(env: NodeJS.ProcessEnv): QueueSettings {
  const parsed = QueueEnv.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const e = parsed.data;
  return {
    concurrency: e.CHANGE_CONTROL_WORKER_CONCURRENCY,
    pollMs: e.CHANGE_CONTROL_QUEUE_POLL_MS,
    leaseMs: e.CHANGE_CONTROL_QUEUE_LEASE_MS,
    retryBaseMs: e.CHANGE_CONTROL_RETRY_BASE_MS,
    retryMaxMs: e.CHANGE_CONTROL_RETRY_MAX_MS,
    alertAttempts: e.CHANGE_CONTROL_RETRY_ALERT_ATTEMPTS,
    shutdownGraceMs: e.CHANGE_CONTROL_SHUTDOWN_GRACE_MS,
    followUpDelayMs: e.CHANGE_CONTROL_FOLLOW_UP_DELAY_MS,
  };
}

/** Delay before retry `attempts` + 1: base × 2^(attempts − 1), capped. */
export function retryDelay(settings: Pick<QueueSettings, 'retryBaseMs' | 'retryMaxMs'>, attempts: number): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
}
