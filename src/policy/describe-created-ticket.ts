import { approvalRequirements } from './approval-requirements.js';
import type { ApprovalConfig } from './config-schema.js';
import type { ChangedFile, PullRequestReadFacts } from './facts.js';

/** Paths listed in the ticket's description; the rest are counted. */
export const LISTED_PATHS = 30;
/** The marker comment that starts the line the app writes into the PR description. */
export const TICKET_LINE_MARKER = '<!-- change-control:ticket -->';

/** The PR's unique marker on the ticket it created (Jira label, ServiceNow correlation id). */
export function ticketMarker(pr: Pick<PullRequestReadFacts, 'owner' | 'repo' | 'number'>): string {
  return `change-control-pr:${pr.owner}/${pr.repo}#${pr.number}`.toLowerCase();
}

/** The line the app writes into the PR description: informative (the store holds the created key, docs/tickets.md). */
export function ticketLine(key: string): string {
  return `${TICKET_LINE_MARKER}Change ticket: ${key} (created by Change Control)`;
}

/** The PR description with the app's ticket line: replaces an earlier one, or is added at the end. */
export function withTicketLine(body: string, key: string): string {
  const line = ticketLine(key);
  const lines = body.split('\n');
  const at = lines.findIndex((l) => l.startsWith(TICKET_LINE_MARKER));
  if (at >= 0) return [...lines.slice(0, at), line, ...lines.slice(at + 1)].join('\n');
  return body.trim() === '' ? line : `${body.replace(/\s+$/, '')}\n\n${line}`;
}

/**
 * What the app files as the PR's change request: the title as the summary, and a description with the PR's link,
 * author, branches, changed paths, size and the risk hints the policy gives (path rules that need more approvals).
 */
export function describeCreatedTicket(input: {
  pr: Pick<PullRequestReadFacts, 'owner' | 'repo' | 'number' | 'title' | 'url' | 'author' | 'baseRef' | 'headRef' | 'headSha'>;
  changedFiles: ChangedFile[];
  approval: ApprovalConfig;
}): { summary: string; lines: string[] } {
  const { pr, changedFiles, approval } = input;
  const paths = changedFiles.map((f) => f.path);
  const listed = paths.slice(0, LISTED_PATHS);
  const more = paths.length - listed.length;
  const hints = approvalRequirements(approval, changedFiles)
    .filter((r) => r.matchedFiles.length > 0 && !r.paths.includes('**'))
    .map((r) => `${r.source}: ${r.matchedFiles.length} file(s) under ${r.paths.join(', ')} need ${r.count} approval(s)`);
  return {
    summary: pr.title.trim() === '' ? `${pr.owner}/${pr.repo}#${pr.number}` : pr.title.trim(),
    lines: [
      `Change request created by Change Control for pull request ${pr.owner}/${pr.repo}#${pr.number}: ${pr.url}`,
      `Author: ${pr.author.login}`,
      `Branches: ${pr.headRef} into ${pr.baseRef} (head ${pr.headSha.slice(0, 12)})`,
      `Size: ${paths.length} changed file(s)`,
      `Changed paths: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
      hints.length > 0 ? `Risk hints: ${hints.join('; ')}` : 'Risk hints: no path rule of the policy applies',
      'Approve this ticket to let the pull request pass its change control; the PR is re-evaluated when it changes.',
    ],
  };
}
