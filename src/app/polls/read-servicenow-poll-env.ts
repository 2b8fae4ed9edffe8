import { z } from 'zod';

/** Default minutes between two polls of the open PRs waiting on a ServiceNow change (SERVICENOW_POLL_MINUTES). */
export const DEFAULT_SERVICENOW_POLL_MINUTES = 5;
/** Default number of changes one poll re-evaluates the PRs of (SERVICENOW_POLL_MAX_CHANGES). */
export const DEFAULT_SERVICENOW_POLL_MAX_CHANGES = 50;

export interface ServiceNowPollSettings {
  /** Null: the poll is off (SERVICENOW_POLL_MINUTES=0). */
  intervalMs: number | null;
  maxChanges: number;
}

const blankIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

const ServiceNowPollEnv = z.object({
  SERVICENOW_POLL_MINUTES: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: 'SERVICENOW_POLL_MINUTES must be a number of minutes (0 switches the poll off)' })
      .min(0, { error: 'SERVICENOW_POLL_MINUTES must be 0 (off) or more' })
      .max(1440, { error: 'SERVICENOW_POLL_MINUTES must be at most 1440 (a day)' })
      .default(DEFAULT_SERVICENOW_POLL_MINUTES),
  ),
  SERVICENOW_POLL_MAX_CHANGES: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: 'SERVICENOW_POLL_MAX_CHANGES must be a whole number' })
      .int({ error: 'SERVICENOW_POLL_MAX_CHANGES must be a whole number' })
      .min(1, { error: 'SERVICENOW_POLL_MAX_CHANGES must be between 1 and 1000' })
      .max(1000, { error: 'SERVICENOW_POLL_MAX_CHANGES must be between 1 and 1000' })
      .default(DEFAULT_SERVICENOW_POLL_MAX_CHANGES),
  ),
});

/** SERVICENOW_POLL_MINUTES (fractions allowed, 0 = off) and SERVICENOW_POLL_MAX_CHANGES; throws with what was allowed. */
export function readServiceNowPollEnv(env: NodeJS.ProcessEnv): ServiceNowPollSettings {
  const parsed = ServiceNowPollEnv.safeParse({
    SERVICENOW_POLL_MINUTES: env.SERVICENOW_POLL_MINUTES,
    SERVICENOW_POLL_MAX_CHANGES: env.SERVICENOW_POLL_MAX_CHANGES,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'SERVICENOW_POLL_MINUTES');
    throw new Error(`${issue?.message ?? `${name} is invalid`}, got ${JSON.stringify(env[name])}`);
  }
  const minutes = parsed.data.SERVICENOW_POLL_MINUTES;
  return { intervalMs: minutes === 0 ? null : Math.round(minutes * 60_000), maxChanges: parsed.data.SERVICENOW_POLL_MAX_CHANGES };
}
