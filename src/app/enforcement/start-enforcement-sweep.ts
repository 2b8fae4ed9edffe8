import type { Probot } from 'probot';
import { z } from 'zod';
import type { WorkRequest } from '../../store/work-request.js';
import type { AppDeps } from '../../evaluation/app-deps.js';

/** Default time between two enforcement sweeps of every installation (ENFORCEMENT_CHECK_INTERVAL_HOURS). */
export const DEFAULT_ENFORCEMENT_INTERVAL_HOURS = 24;
/** The audit meta key holding when the last sweep was queued: a restart does not sweep again, nor skip one. */
export const SWEEP_META_KEY = 'enforcement-sweep-at';

/** The fields we use of GitHub's `installation` in `GET /app/installations`. */
const Installations = z.array(
  z.object({
    id: z.number(),
    account: z.object({ login: z.string().optional() }).passthrough().nullable(),
    suspended_at: z.string().nullable().optional(),
  }),
);

const Hours = z.coerce.number({ error: 'must be a number of hours' }).positive({ error: 'must be greater than 0' });

/** ENFORCEMENT_CHECK_INTERVAL_HOURS as milliseconds (a positive number of hours; fractions allowed); throws with what was allowed. */
export function readEnforcementInterval(env: NodeJS.ProcessEnv): number {
  const raw = env.ENFORCEMENT_CHECK_INTERVAL_HOURS?.trim();
  if (!raw) return DEFAULT_ENFORCEMENT_INTERVAL_HOURS * 3_600_000;
  const parsed = Hours.safeParse(raw);
  if (!parsed.success)
    throw new Error(`ENFORCEMENT_CHECK_INTERVAL_HOURS ${parsed.error.issues[0]?.message ?? 'is invalid'}, got ${JSON.stringify(raw)}`);
  return parsed.data * 3_600_000;
}

/**
 * Queues an `installation-sweep` for every installation of the app when the last sweep is at least `intervalMs`
 * old (`GET /app/installations` as the app, one read per 100 installations). Returns how many were queued.
 */
export async function sweepIfDue(input: {
  deps: Pick<AppDeps, 'audit' | 'queue'>;
  app: Pick<Probot, 'auth'>;
  intervalMs: number;
  now: Date;
}): Promise<number> {
  const { deps, now } = input;
  const last = await deps.audit.getMeta(SWEEP_META_KEY);
  if (last !== null && now.getTime() - Date.parse(last) < input.intervalMs) return 0;
  const octokit = await input.app.auth();
  const installations = Installations.parse(await octokit.paginate('GET /app/installations', { per_page: 100 }));
  const sweeps: WorkRequest[] = installations
    .filter((i) => i.suspended_at === null || i.suspended_at === undefined)
    .map((i) => ({
      kind: 'installation-sweep',
      installationId: i.id,
      // An enterprise account has a slug, not a login: the owner is only a label for the sweep's logs.
      owner: i.account?.login ?? String(i.id),
      deliveryIds: [],
      force: 'none',
      statusWrites: [],
      trigger: 'sweep',
    }));
  if (sweeps.length > 0) await deps.queue.enqueue(sweeps, now.getTime());
  await deps.audit.setMeta(SWEEP_META_KEY, now.toISOString());
  return sweeps.length;
}

/** Looks every `min(interval, 1 h)` whether a sweep is due (the meta key says when the last was); the timer does not keep the process alive. */
export function startEnforcementSweep(input: { deps: AppDeps; app: Probot; intervalMs: number }): NodeJS.Timeout {
  const { deps, app, intervalMs } = input;
  const run = (): void => {
    sweepIfDue({ deps, app, intervalMs, now: deps.now() }).catch((error: unknown) =>
      app.log.error({ err: error }, 'enforcement sweep could not be queued; trying again later'),
    );
  };
  // The first look is one period after start, not at start: an app that was down past its sweep catches up within
  // the hour, and a process that restarts in a loop does not sweep at each start.
  const timer = setInterval(run, Math.min(intervalMs, 3_600_000));
  timer.unref();
  return timer;
}
