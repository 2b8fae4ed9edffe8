import type { Probot } from 'probot';
import { z } from 'zod';
import { ReconcileAsk, RECONCILE_ASK_META_KEY } from '../../audit/reconcile-ask.js';
import type { WorkRequest } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';

/** Default time between two reconciliation sweeps of every installation (RECONCILE_INTERVAL_MINUTES). */
export const DEFAULT_RECONCILE_INTERVAL_MINUTES = 360;
/** Default time between two looks whether a sweep is due or was asked for (RECONCILE_POLL_SECONDS). */
export const DEFAULT_RECONCILE_POLL_SECONDS = 60;
/** The audit meta key holding when the last periodic sweep was queued: a restart neither repeats nor skips one. */
export const RECONCILE_SWEEP_META_KEY = 'reconcile-sweep-at';
/** The audit meta key holding the `askedAt` of the last `audit reconcile` request queued (so it is queued once). */
export const RECONCILE_ASK_DONE_META_KEY = 'reconcile-asked-done';

/** The fields we use of GitHub's `installation` in `GET /app/installations`. */
const Installations = z.array(
  z.object({
    id: z.number(),
    account: z.object({ login: z.string().optional() }).passthrough().nullable(),
    suspended_at: z.string().nullable().optional(),
  }),
);

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, schema: z.ZodType<number, unknown>): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name} ${parsed.error.issues[0]?.message ?? 'is invalid'}, got ${JSON.stringify(raw)}`);
  return parsed.data;
}

/**
 * RECONCILE_INTERVAL_MINUTES as milliseconds (a number of minutes ≥ 0, fractions allowed; 0: no periodic sweep, only
 * the ones `audit reconcile` asks for) and RECONCILE_POLL_SECONDS (> 0). Throws with what was allowed.
 */
export function readReconcileSettings(env: NodeJS.ProcessEnv): { intervalMs: number; pollMs: number } {
  const minutes = readNumber(
    env,
    'RECONCILE_INTERVAL_MINUTES',
    DEFAULT_RECONCILE_INTERVAL_MINUTES,
    z.coerce.number({ error: 'must be a number of minutes (0: off)' }).min(0, { error: 'must be 0 (off) or more' }),
  );
  const seconds = readNumber(
    env,
    'RECONCILE_POLL_SECONDS',
    DEFAULT_RECONCILE_POLL_SECONDS,
    z.coerce.number({ error: 'must be a number of seconds' }).positive({ error: 'must be greater than 0' }),
  );
  return { intervalMs: minutes * 60_000, pollMs: seconds * 1000 };
}

/** The `audit reconcile` request not yet queued, if any (a malformed one is reported, not run). */
async function pendingAsk(deps: Pick<AppDeps, 'audit'>): Promise<ReconcileAsk | null> {
  const raw = await deps.audit.getMeta(RECONCILE_ASK_META_KEY);
  if (raw === null) return null;
  const ask = ReconcileAsk.parse(JSON.parse(raw));
  return (await deps.audit.getMeta(RECONCILE_ASK_DONE_META_KEY)) === ask.askedAt ? null : ask;
}

/**
 * Queues a `reconcile-installation` for every installation of the app (`GET /app/installations` as the app, one read
 * per 100 installations) when the last periodic sweep is at least `intervalMs` old (never when 0), and for the
 * installations an `audit reconcile` request names (every one, or the one owning its repository) with its `since`.
 * Returns how many were queued.
 */
export async function reconcileIfDue(input: {
  deps: Pick<AppDeps, 'audit' | 'queue'>;
  app: Pick<Probot, 'auth'>;
  intervalMs: number;
  now: Date;
}): Promise<number> {
  const { deps, now, intervalMs } = input;
  const last = await deps.audit.getMeta(RECONCILE_SWEEP_META_KEY);
  const due = intervalMs > 0 && (last === null || now.getTime() - Date.parse(last) >= intervalMs);
  const ask = await pendingAsk(deps);
  if (!due && ask === null) return 0;
  const octokit = await input.app.auth();
  const installations = Installations.parse(await octokit.paginate('GET /app/installations', { per_page: 100 })).filter(
    (i) => i.suspended_at === null || i.suspended_at === undefined,
  );
  const sweeps: WorkRequest[] = [];
  const sweep = (i: (typeof installations)[number], since: string | null, repo: string | null): WorkRequest => ({
    kind: 'reconcile-installation',
    installationId: i.id,
    owner: i.account?.login ?? String(i.id),
    deliveryIds: [],
    force: 'none',
    statusWrites: [],
    since,
    repo,
  });
  if (due) sweeps.push(...installations.map((i) => sweep(i, null, null)));
  if (ask !== null) {
    const [owner = null, name = null] = ask.repo?.split('/') ?? [];
    for (const i of installations) {
      if (owner !== null && i.account?.login?.toLowerCase() !== owner.toLowerCase()) continue;
      sweeps.push(sweep(i, ask.since, name));
    }
  }
  if (sweeps.length > 0) await deps.queue.enqueue(sweeps, now.getTime());
  if (due) await deps.audit.setMeta(RECONCILE_SWEEP_META_KEY, now.toISOString());
  if (ask !== null) await deps.audit.setMeta(RECONCILE_ASK_DONE_META_KEY, ask.askedAt);
  return sweeps.length;
}

/**
 * Looks every `pollMs` whether `audit reconcile` asked for a sweep, and whether a periodic sweep is due; the timer does
 * not keep the process alive. Periodic sweeps are looked for from `min(interval, 1 h)` after start, not at start (as the
 * enforcement sweep): a process that restarts in a loop does not sweep at each start, and one that was down past its
 * sweep catches up within the hour.
 */
export function startReconcileSweep(input: { deps: AppDeps; app: Probot; intervalMs: number; pollMs: number }): NodeJS.Timeout {
  const { deps, app, intervalMs } = input;
  const started = deps.now().getTime();
  const run = (): void => {
    const now = deps.now();
    const periodic = now.getTime() - started >= Math.min(intervalMs, 3_600_000) ? intervalMs : 0;
    reconcileIfDue({ deps, app, intervalMs: periodic, now }).catch((error: unknown) =>
      app.log.error({ err: error }, 'reconciliation sweep could not be queued; trying again later'),
    );
  };
  const timer = setInterval(run, input.pollMs);
  timer.unref();
  return timer;
}
