import { z } from 'zod';
import type { WriteBudgetLimits } from './write-budget.js';

const limit = (name: string, fallback: number) =>
  z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : value),
    z.coerce
      .number({ error: `${name} must be a whole number ≥ 1` })
      .int({ error: `${name} must be a whole number ≥ 1` })
      .min(1, { error: `${name} must be a whole number ≥ 1` })
      .default(fallback),
  );

/** GitHub's content-creation limits per installation (the budget keeps the margin below them); lower them in tests. */
const GitHubClientEnv = z.object({
  CHANGE_CONTROL_WRITES_PER_MINUTE: limit('CHANGE_CONTROL_WRITES_PER_MINUTE', 80),
  CHANGE_CONTROL_WRITES_PER_HOUR: limit('CHANGE_CONTROL_WRITES_PER_HOUR', 500),
  /**
   * How far inside GitHub's limits the budget stays, in percent: GitHub counts a request when it arrives, we when
   * we send it, so a budget exactly at the limit draws 403s at the window's edge (and GitHub blocks apps that keep
   * drawing them). 0 to 50.
   */
  CHANGE_CONTROL_WRITE_MARGIN_PERCENT: z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : value),
    z.coerce
      .number({ error: 'CHANGE_CONTROL_WRITE_MARGIN_PERCENT must be a whole number from 0 to 50' })
      .int({ error: 'CHANGE_CONTROL_WRITE_MARGIN_PERCENT must be a whole number from 0 to 50' })
      .min(0, { error: 'CHANGE_CONTROL_WRITE_MARGIN_PERCENT must be a whole number from 0 to 50' })
      .max(50, { error: 'CHANGE_CONTROL_WRITE_MARGIN_PERCENT must be a whole number from 0 to 50' })
      .default(10),
  ),
  /** Deadline of one GitHub request; a request that takes longer fails (and is retried). */
  GITHUB_TIMEOUT_MS: limit('GITHUB_TIMEOUT_MS', 10_000),
});

export interface GitHubClientSettings {
  budget: WriteBudgetLimits;
  timeoutMs: number;
}

/** The GitHub client's limits from the environment; throws one message naming every bad variable. */
export function readGitHubClientEnv(env: NodeJS.ProcessEnv): GitHubClientSettings {
  const parsed = GitHubClientEnv.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const e = parsed.data;
  const inside = (limit: number): number => Math.max(1, Math.floor((limit * (100 - e.CHANGE_CONTROL_WRITE_MARGIN_PERCENT)) / 100));
  return {
    budget: { perMinute: inside(e.CHANGE_CONTROL_WRITES_PER_MINUTE), perHour: inside(e.CHANGE_CONTROL_WRITES_PER_HOUR) },
    timeoutMs: e.GITHUB_TIMEOUT_MS,
  };
}
