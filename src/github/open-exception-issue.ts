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
