import { z } from 'zod';
import type { WriteBudgetLimits } from '../github/write-budget.js';

const limit = (name: string, fallback: number) =>
  z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : value),
    z.coerce
      .number({ error: `${name} must be a whole number ≥ 1` })
      .int({ error: `${name} must be a whole number ≥ 1` })
      .min(1, { error: `${name} must be a whole number ≥ 1` })
      .default(fallback),
  );

/** GitHub's content-creation limits per installation; lower them to stay further inside (or in tests). */
const GitHubClientEnv = z.object({
  CHANGE_CONTROL_WRITES_PER_MINUTE: limit('CHANGE_CONTROL_WRITES_PER_MINUTE', 80),
  CHANGE_CONTROL_WRITES_PER_HOUR: limit('CHANGE_CONTROL_WRITES_PER_HOUR', 500),
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
  return {
    budget: { perMinute: e.CHANGE_CONTROL_WRITES_PER_MINUTE, perHour: e.CHANGE_CONTROL_WRITES_PER_HOUR },
    timeoutMs: e.GITHUB_TIMEOUT_MS,
  };
}
