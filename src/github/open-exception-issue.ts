import { muteMentions } from './mute-mentions.js';
import type { RestClient } from './rest-client.js';

/** Opens an issue for a merge that bypassed the gate, or whose evidence cannot be read (`evidence-incomplete`). Returns its URL. */
export async function openExceptionIssue(input: {
  octokit: RestClient;
  /** Absent: `bypass`. */
  type?: 'bypass' | 'evidence-incomplete';
  /** `owner/name` where the issue goes. */
  target: string;
  pr: { repo: string; number: number; title: string; url: string };
  mergedBy: string | null;
  mergeSha: string | null;
  missing: string[];
  auditSeq: number | null;
}): Promise<string> {
  const [owner, repo] = input.target.split('/') as [string, string];
  const merger = input.mergedBy ? `@${input.mergedBy}` : 'an unknown user';
  const incomplete = input.type === 'evidence-incomplete';
  const link = `${input.pr.repo}#${input.pr.number} ([${input.pr.title.replace(/[[\]\\]/g, '\\$&')}](${input.pr.url}))`;
  const body = [
    incomplete
      ? `${link} was merged by ${merger}, and the facts its evidence needs cannot be read from GitHub: whether the change met its controls is not on record.`
      : `${link} was merged by ${merger} while its \`change-control\` verdict was not \`success\`: branch protection was bypassed.`,
    '',
    `- Merge commit: \`${input.mergeSha ?? 'unknown'}\``,
    `- Audit entry: ${input.auditSeq ?? 'not recorded'}`,
    '',
    incomplete ? '**Why the evidence is incomplete**' : '**What was missing**',
    '',
    ...input.missing.map((m) => `- ${m.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`),
    '',
    'Review this change retrospectively and record the outcome here.',
  ].join('\n');
  const { data } = await input.octokit.request('POST /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    title: incomplete
      ? `Change control exception: ${input.pr.repo}#${input.pr.number} merged; its evidence is incomplete`
      : `Change control exception: ${input.pr.repo}#${input.pr.number} merged without a passing verdict`,
    body,
  });
  return data.html_url;
}

/** Opens an issue for a direct push to a controlled branch (src/app/pushes/check-push.ts). Returns its URL. */
export async function openDirectPushIssue(input: {
  octokit: RestClient;
  /** `owner/name` where the issue goes. */
  target: string;
  repo: string;
  branch: string;
  after: string;
  sender: string | null;
  pusher: string;
  forced: boolean;
  reasons: string[];
}): Promise<string> {
  const [owner, repo] = input.target.split('/') as [string, string];
  const who = input.sender ? `@${input.sender}` : 'an unknown account';
  const what = input.forced ? 'force-pushed to' : 'pushed directly to';
  const body = [
    `${who} (git pusher ${input.pusher.replace(/[<>@]/g, '')}) ${what} \`${input.branch}\` in ${input.repo}: not every commit came from a merged pull request, so the change did not pass the \`change-control\` gate.`,
    '',
    `- Branch head after the push: \`${input.after}\``,
    '- Recorded in the audit trail as a `direct-push` exception (`change-control audit trace` on the commit).',
    '',
    '**Why this is an exception**',
    '',
    ...input.reasons.map((r) => `- ${muteMentions(r.trim()).replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`),
    '',
    'Review these commits retrospectively and record the outcome here.',
  ].join('\n');
  const { data } = await input.octokit.request('POST /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    title: `Change control exception: direct ${input.forced ? 'force-push' : 'push'} to ${input.repo}@${input.branch}`,
    body,
  });
  return data.html_url;
}
