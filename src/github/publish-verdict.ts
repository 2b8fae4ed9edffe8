import { createHash } from 'node:crypto';
import type { Verdict } from '../policy/verdict.js';
import { withoutDecisionIds } from '../policy/without-decision-ids.js';
import { checkRunOutcome } from './check-run-outcome.js';
import { CHECK_RUN_NAME, STATUS_CONTEXT } from './names.js';
import type { RestClient } from './rest-client.js';
import type { PublishedState } from './read-pull-request-facts.js';
import { renderReport, type CheckRunReport } from './render-report.js';

export interface PublishResult {
  wroteStatus: boolean;
  /** `created` or `updated` when the check run was written. */
  checkRun: 'created' | 'updated' | 'unchanged';
  checkRunUrl: string | null;
}

/** A short, stable fingerprint of what the check run shows, kept in its external_id to detect change without reading it back. */
export function reportFingerprint(state: Verdict['state'], report: CheckRunReport): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([state, report.title, report.summary, report.text]))
    .digest('hex');
  return `change-control:v1:${hash.slice(0, 32)}`;
}

function checkRunFields(verdict: Verdict, report: CheckRunReport): Record<string, unknown> {
  const output = { title: report.title, summary: report.summary, text: report.text };
  const { status, conclusion } = checkRunOutcome(verdict);
  if (conclusion === null) return { status, output };
  return { status, conclusion, completed_at: verdict.evaluatedAt, output };
}

/**
 * Posts the `change-control` commit status and the `Change control` check run on the head commit, each
 * only when it differs from what is already there, unless `force` says otherwise.
 * A check run still in progress is updated in place; a completed one is kept as a record and a new one is created.
 */
export async function publishVerdict(input: {
  octokit: RestClient;
  verdict: Verdict;
  published: PublishedState;
  /** `all`: a re-run the user asked for; `status`: our status was overwritten by someone else. */
  force: 'none' | 'status' | 'all';
}): Promise<PublishResult> {
  const { octokit, verdict, published, force } = input;
  const { owner, repo, headSha } = verdict.pullRequest;
  const report = renderReport(verdict);
  // Without OPA's decision ids: a new id for the same decision is no reason to write the check run again.
  const fingerprint = reportFingerprint(verdict.state, renderReport(withoutDecisionIds(verdict)));

  let checkRun: PublishResult['checkRun'] = 'unchanged';
  let checkRunUrl = published.checkRun?.url ?? null;
  if (force === 'all' || published.checkRun?.externalId !== fingerprint) {
    const fields = { ...checkRunFields(verdict, report), external_id: fingerprint };
    if (force !== 'all' && published.checkRun && published.checkRun.status !== 'COMPLETED') {
      const { data } = await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        owner,
        repo,
        check_run_id: published.checkRun.id,
        ...fields,
      });
      checkRun = 'updated';
      checkRunUrl = data.html_url;
    } else {
      const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner,
        repo,
        name: CHECK_RUN_NAME,
        head_sha: headSha,
        ...fields,
      });
      checkRun = 'created';
      checkRunUrl = data.html_url;
    }
  }

  const statusChanged = published.status?.state !== verdict.state || published.status?.description !== verdict.description;
  const writeStatus = force !== 'none' || statusChanged;
  if (writeStatus) await postStatus({ octokit, verdict, checkRunUrl });
  return { wroteStatus: writeStatus, checkRun, checkRunUrl };
}

/**
 * Posts the verdict as the `change-control` status only: when GitHub could not be read, what is published is
 * unknown, so the `error` goes on the head the event named (never leave an older success standing).
 */
export async function publishStatusOnly(input: { octokit: RestClient; verdict: Verdict }): Promise<PublishResult> {
  await postStatus({ ...input, checkRunUrl: null });
  return { wroteStatus: true, checkRun: 'unchanged', checkRunUrl: null };
}

async function postStatus(input: { octokit: RestClient; verdict: Verdict; checkRunUrl: string | null }): Promise<void> {
  const { octokit, verdict, checkRunUrl } = input;
  const { owner, repo, headSha } = verdict.pullRequest;
  await postCommitStatus({
    octokit,
    owner,
    repo,
    sha: headSha,
    state: verdict.state,
    description: verdict.description,
    targetUrl: checkRunUrl,
  });
}

/** Writes the `change-control` commit status on one commit (a PR head, or a merge group's head). */
export async function postCommitStatus(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  sha: string;
  state: Verdict['state'];
  description: string;
  targetUrl: string | null;
}): Promise<void> {
  const { octokit, owner, repo, sha, state, description, targetUrl } = input;
  await octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
    owner,
    repo,
    sha,
    state,
    context: STATUS_CONTEXT,
    description,
    ...(targetUrl ? { target_url: targetUrl } : {}),
  });
}
