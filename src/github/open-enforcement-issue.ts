import type { EnforcementState } from '../policy/enforcement.js';
import { escapeMarkdown } from './escape-markdown.js';
import type { RestClient } from './rest-client.js';

const line = (text: string): string => `- ${escapeMarkdown(text)}`;

/**
 * Opens an issue for a branch whose gate got weaker (no longer enforced, unknown, or a new bypasser), like the
 * exception issues of bypass merges. Returns its URL.
 */
export async function openEnforcementIssue(input: {
  octokit: RestClient;
  /** `owner/name` where the issue goes (the policy's `audit.exceptions_repo`, else the repository). */
  target: string;
  repo: string;
  state: EnforcementState;
  changes: string[];
  auditSeq: number;
}): Promise<string> {
  const [owner, repo] = input.target.split('/') as [string, string];
  const { state } = input;
  const bypass = state.bypass.known
    ? state.bypass.value.length === 0
      ? ['- nobody']
      : state.bypass.value.map((b) => line(`${b.actorType}${b.actorId === null ? '' : ` ${b.actorId}`} (${b.bypassMode}) via ${b.via}`))
    : [line(`unknown: ${state.bypass.reason}`)];
  const body = [
    `The \`change-control\` gate on \`${escapeMarkdown(state.branch)}\` of ${input.repo} is **${state.status}**${state.status === 'enforced' ? ', and someone new can bypass it' : ''}. Changes merged while it is not in force are not gated.`,
    '',
    '**What changed**',
    '',
    ...input.changes.map(line),
    '',
    '**Why**',
    '',
    ...(state.reasons.length > 0 ? state.reasons.map(line) : ['- the required status check is in force']),
    '',
    '**Who can bypass it**',
    '',
    ...bypass,
    '',
    `Audit entry: ${input.auditSeq} (\`change-control audit controls --at DATE\` shows the history).`,
    '',
    'Restore the ruleset or branch protection that requires `change-control` from this app, or record here why the change was authorised.',
  ].join('\n');
  const { data } = await input.octokit.request('POST /repos/{owner}/{repo}/issues', {
    owner,
    repo,
    title:
      state.status === 'enforced'
        ? `Change control can be bypassed by someone new: ${input.repo} ${state.branch}`
        : `Change control not in force: ${input.repo} ${state.branch} (${state.status})`,
    body,
  });
  return data.html_url;
}
