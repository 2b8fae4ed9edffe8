import { headOid, nextId, tick, type GitHubData } from './model.js';
import type { FeatureState, SecuritySeverity, SimAlert, SimAnalysis, SimDependencyChange } from './security-model.js';
import { findCommit, findPull, findRepo, makeCommit, type PullRef, type RepoRef } from './state.js';

/** One result of an analysis: an alert is the same alert (same number) wherever its rule, file and line are found. */
export interface AlertInput {
  ruleId: string;
  ruleName?: string;
  /** `rule.security_severity_level`; null for a rule without one (then `severity` decides). */
  securitySeverity?: SecuritySeverity | null;
  severity?: SimAlert['severity'];
  path: string;
  line: number;
}

function recordAnalysis(
  data: GitHubData,
  input: RepoRef & { ref: string; commitSha: string; tool?: string; category?: string; alerts: AlertInput[] },
): SimAnalysis {
  const repo = findRepo(data, input);
  const tool = input.tool ?? 'CodeQL';
  const analysis: SimAnalysis = {
    id: nextId(data),
    ref: input.ref,
    commitSha: input.commitSha,
    tool,
    category: input.category ?? '/language:javascript-typescript',
    createdAt: tick(data),
  };
  repo.security.analyses.push(analysis);
  const found = new Set<number>();
  for (const result of input.alerts) {
    let alert = repo.security.alerts.find(
      (a) => a.tool === tool && a.ruleId === result.ruleId && a.path === result.path && a.line === result.line,
    );
    if (!alert) {
      alert = {
        number: repo.security.alerts.length + 1,
        ruleId: result.ruleId,
        ruleName: result.ruleName ?? result.ruleId,
        securitySeverity: result.securitySeverity === undefined ? 'high' : result.securitySeverity,
        severity: result.severity ?? 'error',
        tool,
        path: result.path,
        line: result.line,
        createdAt: analysis.createdAt,
        dismissal: null,
        instances: new Map(),
      };
      repo.security.alerts.push(alert);
    }
    alert.instances.set(input.ref, { commitSha: input.commitSha, state: 'open' });
    found.add(alert.number);
  }
  // An alert of the same tool that this analysis of the ref no longer finds is fixed there, as GitHub marks it.
  for (const alert of repo.security.alerts) {
    const instance = alert.instances.get(input.ref);
    if (alert.tool === tool && instance && !found.has(alert.number)) alert.instances.set(input.ref, { ...instance, state: 'fixed' });
  }
  return analysis;
}

/**
 * Code scanning analyses a PR as CodeQL on `pull_request` does: GitHub's test merge commit of the head into the
 * base (parents: base head, PR head) is analysed on `refs/pull/N/merge`. Returns the analysis.
 */
export function analysePullRequest(
  data: GitHubData,
  input: PullRef & { tool?: string; category?: string; alerts: AlertInput[] },
): SimAnalysis {
  const { repo, pr } = findPull(data, input);
  const head = findCommit(repo, headOid(pr));
  const baseHead = repo.branches.get(pr.baseRef) ?? '';
  const merge = makeCommit(data, {
    parents: [baseHead, head.oid],
    tree: new Map(head.tree),
    input: { author: 'github', message: `Merge ${head.oid} into ${baseHead}` },
  });
  repo.commits.set(merge.oid, merge);
  return recordAnalysis(data, { ...input, ref: `refs/pull/${pr.number}/merge`, commitSha: merge.oid });
}

/** Code scanning analyses a branch's head (default: the default branch), as on `push`. */
export function analyseBranch(
  data: GitHubData,
  input: RepoRef & { branch?: string; tool?: string; category?: string; alerts: AlertInput[] },
): SimAnalysis {
  const repo = findRepo(data, input);
  const branch = input.branch ?? repo.defaultBranch;
  return recordAnalysis(data, { ...input, ref: `refs/heads/${branch}`, commitSha: repo.branches.get(branch) ?? '' });
}

/** Someone dismisses an alert in GitHub (the dismissal holds on every ref). */
export function dismissAlert(
  data: GitHubData,
  input: RepoRef & { number: number; by: string; reason?: NonNullable<SimAlert['dismissal']>['reason']; comment?: string },
): SimAlert {
  const alert = findRepo(data, input).security.alerts.find((a) => a.number === input.number);
  if (!alert) throw new Error(`simulator: no code scanning alert ${input.number}`);
  alert.dismissal = { by: input.by, reason: input.reason ?? 'false positive', comment: input.comment ?? '', at: tick(data) };
  return alert;
}

/** Switches code scanning or the dependency graph off (GitHub's 403), or takes the app's permission away. */
export function setSecurityFeatures(
  data: GitHubData,
  input: RepoRef & { codeScanning?: FeatureState; dependencyGraph?: FeatureState },
): void {
  const { security } = findRepo(data, input);
  security.codeScanning = input.codeScanning ?? security.codeScanning;
  security.dependencyGraph = input.dependencyGraph ?? security.dependencyGraph;
}

/** What the dependency review of the PR's current head lists (GitHub computes it from the manifests), and GitHub's snapshot warning for it. */
export function setDependencyChanges(
  data: GitHubData,
  input: PullRef & { changes: SimDependencyChange[]; snapshotWarning?: string | null },
): void {
  const { repo, pr } = findPull(data, input);
  repo.security.dependencyChanges.set(headOid(pr), input.changes);
  if (input.snapshotWarning) repo.security.snapshotWarnings.set(headOid(pr), input.snapshotWarning);
  else repo.security.snapshotWarnings.delete(headOid(pr));
}
