import type { MergeGroupVerdict } from '../policy/decide-merge-group.js';
import { CHECK_RUN_NAME } from './names.js';
import { postCommitStatus } from './publish-verdict.js';
import type { RestClient } from './rest-client.js';

export interface GroupPublishResult {
  wroteStatus: boolean;
  checkRunUrl: string | null;
}

const ICON: Record<string, string> = { success: '✅', pending: '⏳', failure: '❌', error: '⚠️' };

/** The check run's text: one row per PR of the group, with what keeps it from passing. */
export function renderGroupReport(input: { owner: string; repo: string; verdict: MergeGroupVerdict }): {
  title: string;
  summary: string;
  text: string;
} {
  const { verdict } = input;
  const lines = ['| PR | verdict | what does not pass |', '| --- | --- | --- |'];
  for (const m of verdict.members) {
    const why = m.failing.length > 0 ? m.failing.join('<br>').replace(/\|/g, '\\|') : '';
    lines.push(`| #${m.number} | ${ICON[m.state] ?? ''} ${m.state} | ${why} |`);
  }
  const problems = verdict.problems.map((p) => `- ${p}`);
  const text = [
    ...(verdict.members.length > 0 ? lines : []),
    ...(problems.length > 0 ? ['', '**Why the group could not be judged**', ...problems] : []),
    '',
    'Each pull request is judged as it stands now (its ticket, the approvals on its head, its required checks on its head, ' +
      'a recorded emergency); the group passes only when every one does.',
  ].join('\n');
  return { title: verdict.description, summary: `Merge group of ${input.owner}/${input.repo}: ${verdict.state}`, text };
}

/**
 * Posts the group's verdict on its head commit: the `change-control` status (what a ruleset's "require status
 * checks" reads) and a completed `Change control` check run with one row per PR. Two writes.
 */
export async function publishGroupVerdict(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  headSha: string;
  verdict: MergeGroupVerdict;
  now: Date;
}): Promise<GroupPublishResult> {
  const { octokit, owner, repo, headSha, verdict } = input;
  const output = renderGroupReport({ owner, repo, verdict });
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
    owner,
    repo,
    name: CHECK_RUN_NAME,
    head_sha: headSha,
    status: 'completed',
    // A check run has no `error` conclusion; an error must never look passable.
    conclusion: verdict.state === 'success' ? 'success' : 'failure',
    completed_at: input.now.toISOString(),
    output,
  });
  await postCommitStatus({
    octokit,
    owner,
    repo,
    sha: headSha,
    state: verdict.state,
    description: verdict.description,
    targetUrl: data.html_url,
  });
  return { wroteStatus: true, checkRunUrl: data.html_url };
}
