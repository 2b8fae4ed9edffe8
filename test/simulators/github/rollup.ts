import type { SimCheckRun, SimRepository, SimStatus } from './model.js';

/**
 * What GitHub's `statusCheckRollup` shows for a commit: the latest status per context (a newer status with the
 * same context replaces the older one), and the latest check run per app and name (a re-run replaces the run).
 */
export function latestStatuses(repo: SimRepository, sha: string): SimStatus[] {
  const latest = new Map<string, SimStatus>();
  for (const status of repo.statuses) {
    if (status.sha === sha) latest.set(status.context, status);
  }
  return [...latest.values()];
}

export function latestCheckRuns(repo: SimRepository, sha: string): SimCheckRun[] {
  const latest = new Map<string, SimCheckRun>();
  for (const run of repo.checkRuns) {
    if (run.headSha === sha) latest.set(`${run.appId}\u0000${run.name}`, run);
  }
  return [...latest.values()];
}
