import type { DeployedChange, RetroStatus, UncoveredCommit } from './deployed-change.js';

/** What the audit trail says about one merged PR: the commits it covers and whether it was approved. */
export interface ChangeEvidence {
  prNumber: number;
  title: string;
  url: string;
  headSha: string;
  mergeSha: string | null;
  /** The SHAs of the PR's commits as merged (from the facts of its merge record). */
  commits: string[];
  /** The `merge` entry. */
  mergeSeq: number;
  ticket: string | null;
  /** The gate's last verdict on the merged head before the merge (null: none recorded). */
  gateState: string | null;
  /** The verdict re-evaluated at merge time. */
  atMergeState: string;
  /** An emergency authorisation of the merged head, with where its retrospective approval stands. */
  emergency: { by: string; seq: number; retro: RetroStatus; retroBy: string | null } | null;
}

export interface DeploymentDecision {
  state: 'approved' | 'rejected';
  /** The approved changes the commits come from, in the order their first commit was deployed. */
  changes: DeployedChange[];
  /** Commits no approved change covers, in deployment order. */
  uncovered: UncoveredCommit[];
}

/** A merged change counts when its verdict passed (before or at merge) or an emergency authorised it. */
function isApproved(change: ChangeEvidence): boolean {
  return change.gateState === 'success' || change.atMergeState === 'success' || change.emergency !== null;
}

function toDeployed(change: ChangeEvidence): DeployedChange {
  return {
    prNumber: change.prNumber,
    title: change.title,
    url: change.url,
    headSha: change.headSha,
    mergeSha: change.mergeSha,
    mergeSeq: change.mergeSeq,
    ticket: change.ticket,
    basis: change.emergency ? 'emergency' : 'approved',
    emergency: change.emergency,
  };
}

function whyUncovered(candidates: ChangeEvidence[]): string {
  const [first] = candidates;
  if (!first) {
    return 'no merged pull request recorded by Change Control contains it (pushed to the branch directly, merged before the app was installed, or rebase-merged)';
  }
  return `it came through #${first.prNumber}, which was merged without a passing verdict (last verdict ${first.gateState ?? 'none'}, at merge ${first.atMergeState}) and without an emergency authorisation`;
}

/**
 * Decides whether the commits new to an environment may be deployed: each must be the merge commit or one of
 * the commits of a merged PR that was approved (a passing verdict before or at merge) or authorised as an
 * emergency change. A commit several PRs contain needs one of them approved; a PR approved and an emergency
 * both count, and the approved basis is the one listed. Pure: the caller reads the commits and the evidence.
 */
export function decideDeployment(input: { commits: readonly { sha: string }[]; evidence: readonly ChangeEvidence[] }): DeploymentDecision {
  const bySha = new Map<string, ChangeEvidence[]>();
  const add = (sha: string, change: ChangeEvidence): void => {
    const list = bySha.get(sha) ?? [];
    if (!list.includes(change)) list.push(change);
    bySha.set(sha, list);
  };
  for (const change of input.evidence) {
    if (change.mergeSha) add(change.mergeSha, change);
    for (const sha of change.commits) add(sha, change);
  }

  const changes = new Map<number, DeployedChange>();
  const uncovered: UncoveredCommit[] = [];
  for (const { sha } of input.commits) {
    const candidates = bySha.get(sha) ?? [];
    const approved = candidates.filter(isApproved).sort((a, b) => Number(a.emergency !== null) - Number(b.emergency !== null));
    const chosen = approved[0];
    if (!chosen) {
      uncovered.push({ sha, reason: whyUncovered(candidates) });
      continue;
    }
    if (!changes.has(chosen.prNumber)) changes.set(chosen.prNumber, toDeployed(chosen));
  }
  return { state: uncovered.length === 0 ? 'approved' : 'rejected', changes: [...changes.values()], uncovered };
}
