import type { EnforcementGap } from './enforcement-gaps.js';
import type { ChangeSummary } from './change-summary.js';
import type { DirectPushSummary } from './read-direct-pushes.js';
import type { ReconciledRepo } from './read-reconciled.js';

export interface PostureCounts {
  /** Merged changes in the period. */
  merged: number;
  /** Of those, the ones that passed every control with no exception. */
  passed: number;
  /** passed / merged; null without merged changes (no rate, rather than 0 % or 100 %). */
  rate: number | null;
  /** Changes merged past a non-passing verdict. */
  bypass: number;
  /** Changes authorised as emergency changes (including the overdue ones). */
  emergency: number;
  /** Emergency changes whose retrospective approval is overdue. */
  emergencyOverdue: number;
  /** Changes covered by a standard (pre-approved) change class. */
  standard: number;
  /** Changes neither standard nor emergency: each with a ticket of its own. */
  normal: number;
}

export interface RepoPosture extends PostureCounts {
  repo: string;
}

export interface WeekRate {
  /** The Monday (UTC) that starts the week, `YYYY-MM-DD`. */
  weekStart: string;
  merged: number;
  passed: number;
  rate: number | null;
}

export interface Posture {
  since: string;
  until: string;
  repos: RepoPosture[];
  total: PostureCounts;
  weeks: WeekRate[];
  /** Times in the period when a controlled branch's gate was not in force (not enforced or unknown), oldest first. */
  enforcementGaps: EnforcementGap[];
  /** Pushes to controlled branches in the period that no merged PR brought (`direct-push` exceptions), in audit order. */
  directPushes: DirectPushSummary[];
  /** Up to when each repository's population is reconciled with GitHub (when read). */
  reconciled?: ReconciledRepo[];
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

function count(changes: readonly ChangeSummary[]): PostureCounts {
  const passed = changes.filter((change) => change.passed).length;
  return {
    merged: changes.length,
    passed,
    rate: changes.length === 0 ? null : passed / changes.length,
    bypass: changes.filter((change) => change.exceptions.includes('bypass')).length,
    emergency: changes.filter((change) => change.exceptions.some((e) => e === 'emergency' || e === 'emergency-overdue')).length,
    emergencyOverdue: changes.filter((change) => change.exceptions.includes('emergency-overdue')).length,
    standard: changes.filter((change) => change.changeType === 'standard').length,
    normal: changes.filter((change) => change.changeType === 'normal').length,
  };
}

/** The Monday 00:00 UTC on or before a time (1970-01-01 was a Thursday). */
export function weekStartMs(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const mondayBased = (day + 3) % 7;
  return (day - mondayBased) * DAY_MS;
}

function weeks(changes: readonly ChangeSummary[], since: string, until: string): WeekRate[] {
  const series: WeekRate[] = [];
  const end = Date.parse(until);
  for (let start = weekStartMs(Date.parse(since)); start < end; start += WEEK_MS) {
    const inWeek = changes.filter((change) => {
      const at = Date.parse(change.at);
      return at >= start && at < start + WEEK_MS;
    });
    const { merged, passed, rate } = count(inWeek);
    series.push({ weekStart: new Date(start).toISOString().slice(0, 10), merged, passed, rate });
  }
  return series;
}

/**
 * The compliance posture of the changes merged in [since, until): per repository (by name), in total, and the
 * compliance rate per week (weeks start on Monday, UTC; the first and last may be partly outside the period); and
 * the enforcement gaps that overlap the period, and the direct pushes of the period.
 */
export function computePosture(input: {
  changes: readonly ChangeSummary[];
  since: string;
  until: string;
  gaps: readonly EnforcementGap[];
  directPushes: readonly DirectPushSummary[];
  reconciled?: readonly ReconciledRepo[];
}): Posture {
  const byRepo = new Map<string, ChangeSummary[]>();
  for (const change of input.changes) byRepo.set(change.repo, [...(byRepo.get(change.repo) ?? []), change]);
  const repos = [...byRepo.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([repo, changes]) => ({ repo, ...count(changes) }));
  return {
    since: input.since,
    until: input.until,
    repos,
    total: count(input.changes),
    weeks: weeks(input.changes, input.since, input.until),
    enforcementGaps: [...input.gaps].sort((a, b) => a.from.localeCompare(b.from) || a.seq - b.seq),
    directPushes: [...input.directPushes],
    ...(input.reconciled ? { reconciled: [...input.reconciled] } : {}),
  };
}

/** A rate as a percentage with one decimal (`87.5 %`), or `n/a` without changes. */
export function formatRate(rate: number | null): string {
  return rate === null ? 'n/a' : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
}
