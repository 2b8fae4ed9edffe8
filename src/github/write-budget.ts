/** GitHub's limits on content-creating requests per installation (docs: "secondary rate limits"). */
export interface WriteBudgetLimits {
  perMinute: number;
  perHour: number;
}

export interface WriteBudget {
  /** Resolves when a content-creating request for `key` (an installation) may be sent, and counts it. */
  acquire(key: string): Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before one more request fits both sliding windows (0: now). */
function waitFor(times: number[], now: number, limits: WriteBudgetLimits): number {
  const inMinute = times.filter((t) => t > now - MINUTE);
  const waits = [0];
  // The oldest request inside the window must leave it first (+1 ms: the window is inclusive).
  if (inMinute.length >= limits.perMinute) waits.push((inMinute[inMinute.length - limits.perMinute] ?? now) + MINUTE - now + 1);
  if (times.length >= limits.perHour) waits.push((times[times.length - limits.perHour] ?? now) + HOUR - now + 1);
  return Math.max(...waits);
}

/**
 * A sliding-window budget per installation: at most `perMinute` content-creating requests in any minute and
 * `perHour` in any hour. A burst goes out at once up to the limit, then at the pace the limit allows, which
 * is the fastest GitHub's budget permits (Probot's default spaces every POST, GraphQL reads included, 1 s apart).
 */
export function createWriteBudget(
  limits: WriteBudgetLimits,
  time: { clock?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): WriteBudget {
  const clock = time.clock ?? Date.now;
  const sleep = time.sleep ?? realSleep;
  const sent = new Map<string, number[]>();
  const queues = new Map<string, Promise<void>>();

  async function take(key: string): Promise<void> {
    for (;;) {
      const now = clock();
      const times = (sent.get(key) ?? []).filter((t) => t > now - HOUR);
      sent.set(key, times);
      const wait = waitFor(times, now, limits);
      if (wait === 0) {
        times.push(now);
        return;
      }
      await sleep(wait);
    }
  }

  return {
    acquire(key) {
      // One waiter at a time per installation, in arrival order.
      const turn = (queues.get(key) ?? Promise.resolve()).then(() => take(key));
      const tail = turn.catch(() => undefined);
      queues.set(key, tail);
      void tail.then(() => {
        if (queues.get(key) === tail) queues.delete(key);
      });
      return turn;
    },
  };
}
