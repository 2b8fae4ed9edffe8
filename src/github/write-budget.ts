/** GitHub's limits on content-creating requests per installation (docs: "secondary rate limits"). */
export interface WriteBudgetLimits {
  perMinute: number;
  perHour: number;
}

export interface WriteBudget {
  /** Resolves when a content-creating request for `key` (an installation) may be sent, and counts it. */
  acquire(key: string): Promise<void>;
}

/**
 * The windows the budget keeps a send in: GitHub's minute and hour, plus 1 s for the request to reach GitHub.
 * The budget stamps a send when it lets it go, GitHub when it arrives; without the second, a send let go just
 * after the first of a full window left it (by our stamp) can arrive while that one is still in GitHub's window.
 */
export const BUDGET_WINDOWS = { minuteMs: 61_000, hourMs: 3_601_000 } as const;
const MINUTE = BUDGET_WINDOWS.minuteMs;
const HOUR = BUDGET_WINDOWS.hourMs;

/**
 * Where sends are counted: this process's memory, or a log every replica sees (the PostgreSQL store implements
 * it: store/postgres-write-sends.ts). `take` records a send and returns 0 when both windows have room, else records
 * nothing and returns the milliseconds until the send that fills a window leaves it; it throws when it cannot tell.
 */
export interface SendLog {
  take(input: { key: string; now: number; limits: WriteBudgetLimits; windows: typeof BUDGET_WINDOWS }): Promise<number>;
}

export interface BudgetTime {
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

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
 * One waiter at a time per installation, in arrival order: the others queue behind it in the process (and so do
 * not ask a shared log each in turn while the budget is exhausted).
 */
function oneAtATimePerKey(take: (key: string) => Promise<void>): WriteBudget {
  const queues = new Map<string, Promise<void>>();
  return {
    acquire(key) {
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

/** The windows of this process: a list of send times per installation, kept for an hour. */
function inProcessSendLog(): SendLog {
  const sent = new Map<string, number[]>();
  return {
    take: async ({ key, now, limits }) => {
      const times = (sent.get(key) ?? []).filter((t) => t > now - HOUR);
      sent.set(key, times);
      const wait = waitFor(times, now, limits);
      if (wait === 0) times.push(now);
      return wait;
    },
  };
}

/** A shared log that cannot be read refuses the send: never an unbudgeted write. */
function failClosed(log: SendLog): SendLog {
  return {
    take: async (input) => {
      try {
        return await log.take(input);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`the shared write budget could not be read from the database, so the write was not sent: ${reason}`, {
          cause: error,
        });
      }
    },
  };
}

/** Takes room in `log` for each send, sleeping until the send that fills a window leaves it. */
function budgetOver(limits: WriteBudgetLimits, log: SendLog, time: BudgetTime): WriteBudget {
  const clock = time.clock ?? Date.now;
  const sleep = time.sleep ?? realSleep;
  return oneAtATimePerKey(async (key) => {
    for (;;) {
      const now = clock();
      const wait = await log.take({ key, now, limits, windows: BUDGET_WINDOWS });
      if (wait <= 0) return;
      // Until the send leaves the window, counted from when we asked (the ask itself took time).
      await sleep(Math.max(0, now + wait - clock()));
    }
  });
}

/**
 * A sliding-window budget per installation: at most `perMinute` content-creating requests in any minute and
 * `perHour` in any hour. A burst goes out at once up to the limit, then at the pace the limit allows, which
 * is the fastest GitHub's budget permits (Probot's default spaces every POST, GraphQL reads included, 1 s apart).
 * In this process only: with SQLite, or one process alone.
 */
export function createWriteBudget(limits: WriteBudgetLimits, time: BudgetTime = {}): WriteBudget {
  return budgetOver(limits, inProcessSendLog(), time);
}

/**
 * The same windows shared by every replica through `log` (PostgreSQL): N processes together send at most the
 * budget, and one alone may use all of it. When it is exhausted the waiter sleeps until the send that fills the
 * window leaves it, then asks again (another replica may have taken the room meanwhile): no polling in between.
 * A log that cannot be read fails the request: the write is not sent (the evaluation errors and the queue
 * retries it).
 */
export function createSharedWriteBudget(limits: WriteBudgetLimits, log: SendLog, time: BudgetTime = {}): WriteBudget {
  return budgetOver(limits, failClosed(log), time);
}
