import type { WaivedControl } from '../policy/emergency-override.js';
import { escapeMarkdown as md } from './escape-markdown.js';
import type { RestClient } from './rest-client.js';
import { waivedLine } from './render-emergency.js';

/** Marks the follow-up issues the app opens. */
export const EMERGENCY_ISSUE_MARKER = '<!-- change-control:emergency -->';

export interface EmergencyIssueInput {
  octokit: RestClient;
  /** `owner/name` where the issue goes: `emergency.review_repo`, or the PR's repository. */
  target: string;
  pr: { repo: string; number: number; title: string; url: string; author: string };
  by: string;
  reason: string;
  headSha: string;
  waived: WaivedControl[];
  contributors: string[];
  /** ISO-8601 due time of the retrospective approval, and the hours it allows. */
  dueAt: string;
  reviewWithinHours: number;
  /** The teams whose members may approve retrospectively. */
  reviewers: string[];
  commentUrl: string;
  policy: string | null;
}

/** The follow-up issue's text: the evidence an auditor needs, the deadline, and how to approve. */
export function emergencyIssueBody(input: Omit<EmergencyIssueInput, 'octokit' | 'target'>): string {
  const { pr } = input;
  const excluded = [
    `@${pr.author} (author)`,
    `@${input.by} (authorised it)`,
    ...input.contributors.filter((c) => c.toLowerCase() !== pr.author.toLowerCase()).map((c) => `@${c} (contributor)`),
  ];
  return [
    EMERGENCY_ISSUE_MARKER,
    `@${input.by} authorised ${pr.repo}#${pr.number} ([${md(pr.title)}](${pr.url})) as an **emergency change**: its change controls were waived for head commit \`${input.headSha}\`.`,
    '',
    `**Reason given:** ${md(input.reason)}`,
    '',
    '**Waived controls**',
    '',
    ...input.waived.map((w) => `- ${waivedLine(w)}`),
    '',
    '**Evidence**',
    '',
    `- Pull request: ${pr.url} by @${pr.author}`,
    `- Head commit: \`${input.headSha}\``,
    `- Authorisation: ${input.commentUrl}`,
    `- Policy: \`${input.policy ?? 'unknown'}\``,
    `- Audit trail: \`change-control audit show ${pr.repo}#${pr.number}\` (the \`emergency\` entry)`,
    '',
    `**Retrospective approval is due by ${input.dueAt}** (${input.reviewWithinHours} hours after the authorisation).`,
    '',
    `A member of ${input.reviewers.join(' or ')} reviews the change and, if it is acceptable, comments on this issue:`,
    '',
    '```',
    '/change-control approve-retro',
    '```',
    '',
    `Not allowed to approve: ${excluded.join(', ')}. The approval is recorded in the audit store and this issue is then closed. Until then the change is listed by \`change-control audit export --exceptions\`, as overdue once the due time has passed.`,
  ].join('\n');
}

/** Opens the follow-up issue of an emergency change; returns where it is. */
export async function openEmergencyIssue(input: EmergencyIssueInput): Promise<{ repo: string; number: number; url: string }> {
  const [owner, repo] = input.target.split('/') as [string, string];
  const { data } = await input.octokit.request('POST /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    title: `Emergency change ${input.pr.repo}#${input.pr.number}: retrospective approval due by ${input.dueAt}`,
    body: emergencyIssueBody(input),
  });
  return { repo: input.target, number: data.number, url: data.html_url };
}
