import canonicalize from 'canonicalize';
import type { Logger } from 'probot';
import { z } from 'zod';
import type { AuditEntry } from '../../audit/audit-entry.js';
import { AccessSnapshotRecord, EnforcementRecord, enforcementAlertKey, entryIntact } from '../../audit/enforcement-records.js';
import { resolvePolicyCached } from '../../config/policy-cache.js';
import { CHECK_RUN_NAME, STATUS_CONTEXT } from '../../github/names.js';
import { openEnforcementIssue } from '../../github/open-enforcement-issue.js';
import type { RestClient } from '../../github/rest-client.js';
import { readAccess } from '../../github/read-access.js';
import { readBranchEnforcement } from '../../github/read-enforcement.js';
import { readPolicyFiles } from '../../github/read-policy-files.js';
import { reviewAccess } from '../../policy/access-review.js';
import { compareEnforcement, judgeEnforcement, type EnforcementState, type RulesetFact } from '../../policy/enforcement.js';
import { isControlledBranch } from '../../policy/is-controlled-branch.js';
import type { WorkResult } from '../../queue/worker.js';
import type { AppDeps } from '../../evaluation/app-deps.js';

/** The field we use of GitHub's `short-branch`. */
const Branches = z.array(z.object({ name: z.string() }));

/** Either of ours satisfies a required check: the commit status or the check run. */
const CHECK_NAMES = [STATUS_CONTEXT, CHECK_RUN_NAME] as const;

interface Check {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  owner: string;
  repo: string;
  installationId: number;
  trigger: string;
}

/** The controlled branches that exist to be checked: literal names as they are, glob patterns against the branch list. */
async function controlledBranches(check: Check, patterns: string[], defaultBranch: string): Promise<string[]> {
  const literal = patterns.filter((p) => !p.includes('*'));
  if (literal.length === patterns.length) return literal;
  const { owner, repo } = check;
  const names = Branches.parse(await check.octokit.paginate('GET /repos/{owner}/{repo}/branches', { owner, repo, per_page: 100 })).map(
    (b) => b.name,
  );
  const matched = names.filter((name) => isControlledBranch({ baseRef: name, branches: patterns, defaultBranch }));
  return [...new Set([...literal, ...matched])].sort();
}

/** The last intact `enforcement` entry of each branch of the repository (a tampered one is not trusted, and logged). */
async function lastStates(check: Check): Promise<Map<string, { entry: AuditEntry; record: EnforcementRecord }>> {
  const repoName = `${check.owner}/${check.repo}`;
  const entries = await check.deps.audit.list({ repo: repoName, kinds: ['enforcement'], newestFirst: true, limit: 500 });
  const last = new Map<string, { entry: AuditEntry; record: EnforcementRecord }>();
  for (const entry of entries) {
    const parsed = EnforcementRecord.safeParse(entry.data);
    if (!parsed.success || last.has(parsed.data.state.branch)) continue;
    if (!entryIntact(entry)) {
      check.log.error({ seq: entry.seq, repo: repoName }, 'enforcement entry does not match its hash; not used as the last state');
      continue;
    }
    last.set(parsed.data.state.branch, { entry, record: parsed.data });
  }
  return last;
}

/** Opens the issue for a recorded loss once (the meta key says it was opened); a failure is retried with the work. */
async function alert(check: Check, input: { entry: AuditEntry; record: EnforcementRecord; target: string }): Promise<void> {
  const key = enforcementAlertKey(input.entry.seq);
  if (!input.record.lost || (await check.deps.audit.getMeta(key)) !== null) return;
  const url = await openEnforcementIssue({
    octokit: check.octokit,
    target: input.target,
    repo: input.entry.repo,
    state: input.record.state,
    changes: input.record.changes,
    auditSeq: input.entry.seq,
  });
  await check.deps.audit.setMeta(key, url);
  check.log.warn(
    { repo: input.entry.repo, branch: input.record.state.branch, status: input.record.state.status, issue: url },
    'change-control enforcement weakened; issue opened',
  );
}

/** Records an access snapshot when the review differs from the last one recorded for the repository. */
async function recordAccess(check: Check, states: EnforcementState[]): Promise<void> {
  const { deps, owner, repo } = check;
  const facts = await readAccess({ octokit: check.octokit, owner, repo });
  const review = reviewAccess({ facts, branches: states, org: owner });
  const branches = states.map((s) => s.branch);
  const latest = await deps.audit.latest({ repo: `${owner}/${repo}`, kinds: ['access-snapshot'] });
  const previous = latest && entryIntact(latest) ? AccessSnapshotRecord.safeParse(latest.data) : null;
  const same =
    previous?.success &&
    canonicalize({ b: previous.data.branches, r: previous.data.review, f: previous.data.facts }) ===
      canonicalize({ b: branches, r: review, f: facts });
  if (same) return;
  const record: AccessSnapshotRecord = { installationId: check.installationId, trigger: check.trigger, branches, review, facts };
  await deps.audit.append({
    kind: 'access-snapshot',
    at: deps.now().toISOString(),
    deliveryId: null,
    repo: `${owner}/${repo}`,
    prNumber: null,
    headSha: null,
    data: { ...record },
  });
}

/**
 * One enforcement check of a repository (read → judge → compare → record → alert): reads the policy from the
 * default branch for its controlled branches, reads what GitHub enforces on each, records an `enforcement` entry
 * for each branch whose state changed, opens an issue for each loss, and records an `access-snapshot` when the
 * access review changed. GitHub failures other than a refusal (403) are thrown: the queue retries the work.
 */
export async function checkEnforcement(check: Check): Promise<WorkResult> {
  const { deps, octokit, owner, repo } = check;
  const files = await readPolicyFiles({ graphql: octokit.graphql, owner, repo });
  if (!files.found) return { kind: 'done', outcome: 'skipped' };
  const resolved = resolvePolicyCached(files);
  // No policy: the repository is not under change control. An invalid one still controls the default branch.
  if (resolved.kind === 'none') return { kind: 'done', outcome: 'skipped' };
  const policy = `${resolved.source.repo}:${resolved.source.path}@${resolved.source.blobSha}`;
  const patterns = resolved.kind === 'ok' ? (resolved.config.branches ?? [files.defaultBranch]) : [files.defaultBranch];
  const target = resolved.kind === 'ok' ? (resolved.config.audit.exceptions_repo ?? `${owner}/${repo}`) : `${owner}/${repo}`;

  const cache = new Map<number, RulesetFact['bypassActors']>();
  const last = await lastStates(check);
  const states: EnforcementState[] = [];
  const alerts: Array<{ entry: AuditEntry; record: EnforcementRecord }> = [];
  for (const branch of await controlledBranches(check, patterns, files.defaultBranch)) {
    const facts = await readBranchEnforcement({ octokit, owner, repo, branch, checkNames: CHECK_NAMES, cache });
    const state = judgeEnforcement({ facts, appId: deps.appId, checkNames: CHECK_NAMES });
    states.push(state);
    const previous = last.get(branch) ?? null;
    const change = compareEnforcement(previous?.record.state ?? null, state);
    if (!change.changed) {
      // A loss recorded earlier whose issue could not be opened then is alerted now.
      if (previous) alerts.push(previous);
      continue;
    }
    const record: EnforcementRecord = {
      installationId: check.installationId,
      trigger: check.trigger,
      policy,
      state,
      changes: change.changes,
      lost: change.lost,
    };
    const entry = await deps.audit.append({
      kind: 'enforcement',
      at: deps.now().toISOString(),
      deliveryId: null,
      repo: `${owner}/${repo}`,
      prNumber: null,
      headSha: null,
      data: { ...record },
    });
    if (entry) alerts.push({ entry, record });
  }
  // The evidence first, then the issues: an issue that cannot be opened (retried with the work) delays no record.
  await recordAccess(check, states);
  for (const pending of alerts) await alert(check, { ...pending, target });
  return { kind: 'done', outcome: 'published' };
}
