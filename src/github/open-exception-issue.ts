import type { RestClient } from './rest-client.js';

/** Opens an issue for a merge that bypassed the gate. Returns its URL. */
export async function openExceptionIssue(input: {
  octokit: RestClient;
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
  const body = [
    `${input.pr.repo}#${input.pr.number} ([${input.pr.title.replace(/[[\]\\]/g, '\\$&')}](${input.pr.url})) was merged by ${merger} while its \`change-control\` verdict was not \`success\`: branch protection was bypassed.`,
    '',
    `- Merge commit: \`${input.mergeSha ?? 'unknown'}\``,
    `- Audit entry: ${input.auditSeq ?? 'not recorded'}`,
    '',
    '**What was missing**',
    '',
    ...input.missing.map((m) => `- ${m.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`),
    '',
    'Review this change retrospectively and record the outcome here.',
  ].join('\n');
  const { data } = await input.octokit.request('POST /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    title: `Change control exception: ${input.pr.repo}#${input.pr.number} merged without a passing verdict`,
    body,
  });
  return data.html_url;
}
