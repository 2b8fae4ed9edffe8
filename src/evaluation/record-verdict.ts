import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Logger } from 'probot';
import type { AuditEntry } from '../audit/audit-entry.js';
import { renderTrail } from '../audit/render-trail.js';
import type { PublishResult } from '../github/publish-verdict.js';
import type { RestClient } from '../github/rest-client.js';
import { upsertTrailComment } from '../github/upsert-trail-comment.js';
import type { PullRequestFacts, PullRequestReadFacts } from '../policy/facts.js';
import type { Verdict } from '../policy/verdict.js';
import { withoutDecisionIds } from '../policy/without-decision-ids.js';
import type { AppDeps } from './app-deps.js';
import { recordEvidence } from './record-evidence.js';

const TRAIL_KINDS = ['verdict', 'config-error', 'status-overwritten', 'exception'] as const;

/**
 * The audit fingerprint of a verdict: a hash of what it decided and the evidence it used, everything but the time
 * it was made. A re-evaluation over the same facts records nothing, and rewording the report (render-report.ts)
 * records nothing either: the entries follow the facts, not the text (issue 15). OPA's decision ids are left out too
 * (each call gets a new one).
 */
export function verdictFingerprint(verdict: Verdict): string {
  const { evaluatedAt: _evaluatedAt, ...decided } = withoutDecisionIds(verdict);
  const hash = createHash('sha256')
    .update(canonicalize(decided) ?? '')
    .digest('hex');
  return `verdict:v2:${hash.slice(0, 32)}`;
}

/**
 * Records a verdict in the audit store when it differs from the last one recorded for the PR (whatever
 * GitHub shows: if the app died between its GitHub write and this one, the next evaluation records it),
 * then refreshes the PR's trail comment. The first verdict of a PR gets no comment (the check run shows
 * it); the comment appears with the first change, so a first evaluation costs two writes, not three.
 */
export async function recordVerdict(input: {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  verdict: Verdict;
  /** Complete facts, or only the read ones when the verdict is an error found before they were gathered. */
  facts: PullRequestFacts | PullRequestReadFacts | null;
  configError: boolean;
  publish: PublishResult;
  deliveryId: string | null;
}): Promise<AuditEntry | null> {
  const { deps, verdict } = input;
  const { owner, repo, number, headSha } = verdict.pullRequest;
  const repoName = `${owner}/${repo}`;
  const fingerprint = verdictFingerprint(verdict);
  const latest = await deps.audit.latest({ repo: repoName, prNumber: number, kinds: ['verdict', 'config-error'] });
  if (latest?.data.fingerprint === fingerprint) return null;
  const entry = await recordEvidence(deps, {
    kind: input.configError ? 'config-error' : 'verdict',
    at: verdict.evaluatedAt,
    deliveryId: input.deliveryId,
    repo: repoName,
    prNumber: number,
    headSha,
    data: { fingerprint, verdict, facts: input.facts, published: input.publish },
  });
  if (entry && latest) await refreshTrail({ ...input, owner, repo, number });
  return entry;
}

/** Rewrites the PR's trail comment from the audit store. A failure here is logged: the store already holds the record. */
export async function refreshTrail(input: {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  owner: string;
  repo: string;
  number: number;
}): Promise<void> {
  const { deps, owner, repo, number } = input;
  const key = `trail-comment:${owner}/${repo}#${number}`;
  try {
    const entries = await deps.audit.list({ repo: `${owner}/${repo}`, prNumber: number, kinds: [...TRAIL_KINDS] });
    const known = await deps.audit.getMeta(key);
    const id = await upsertTrailComment({
      octokit: input.octokit,
      owner,
      repo,
      number,
      commentId: known ? Number(known) : null,
      body: renderTrail(entries),
    });
    if (String(id) !== known) await deps.audit.setMeta(key, String(id));
  } catch (error) {
    input.log.warn({ err: error, pr: `${owner}/${repo}#${number}` }, 'trail comment not updated');
  }
}
