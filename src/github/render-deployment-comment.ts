import type { DeployedChange, UncoveredCommit } from '../audit/deployment-records.js';

/** Lines listed per section; the rest are counted (the audit trail and `audit trace` have them all). */
const MAX_LINES = 20;
const MAX_TITLE = 80;

const short = (sha: string): string => sha.slice(0, 7);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** User text (a PR title) on one line, shortened: the comment is shown as GitHub receives it. */
function oneLine(text: string, max = MAX_TITLE): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function limited(lines: string[], sha: string): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `- … and ${lines.length - MAX_LINES} more (change-control audit trace ${sha})`];
}

const RETRO: Record<NonNullable<DeployedChange['emergency']>['retro'], string> = {
  approved: 'retrospectively approved',
  'approved-late': 'retrospectively approved (late)',
  awaiting: 'retrospective approval outstanding',
  overdue: 'retrospective approval overdue',
};

function changeLine(change: DeployedChange): string {
  const ticket = change.ticket ? `ticket ${change.ticket}` : 'no ticket';
  const emergency = change.emergency
    ? ` — emergency change authorised by @${change.emergency.by}, ${RETRO[change.emergency.retro]}${change.emergency.retroBy ? ` by @${change.emergency.retroBy}` : ''}`
    : '';
  return `- #${change.prNumber} ${oneLine(change.title)} (${ticket})${emergency}`;
}

export interface GateComment {
  state: 'approved' | 'rejected';
  environment: string;
  sha: string;
  /** The commit already in the environment; null when the evidence could not be read that far. */
  previousSha: string | null;
  commitCount: number;
  changes: DeployedChange[];
  uncovered: UncoveredCommit[];
}

/**
 * The comment sent with the answer, shown on the workflow run: the changes deployed with their tickets, or
 * exactly which commits have no approved change and why. Plain lines, readable whether or not it is rendered.
 */
export function renderGateComment(input: GateComment): string {
  const { environment, sha, changes, uncovered, commitCount } = input;
  const since = input.previousSha ? ` since ${short(input.previousSha)}` : '';
  if (input.state === 'approved' && commitCount === 0) {
    return `Change Control approved ${short(sha)} for ${environment}: it brings no commit that is not already there (a redeployment or a rollback).`;
  }
  const changeLines = limited(changes.map(changeLine), sha);
  if (input.state === 'approved') {
    const outstanding = changes.filter(
      (c) => c.emergency && c.emergency.retro !== 'approved' && c.emergency.retro !== 'approved-late',
    ).length;
    const note =
      outstanding > 0
        ? ` ${plural(outstanding, 'emergency change')} still ${outstanding === 1 ? 'awaits' : 'await'} retrospective approval.`
        : '';
    return [
      `Change Control approved ${short(sha)} for ${environment}: ${plural(commitCount, 'commit')} new${since}, all from approved changes.${note}`,
      ...changeLines,
    ].join('\n');
  }
  const lines = [
    `Change Control rejected ${short(sha)} for ${environment}: ${uncovered.length} of ${plural(commitCount, 'commit')} new${since} have no approved change.`,
    ...limited(
      uncovered.map((u) => `- ${u.sha}: ${u.reason}`),
      sha,
    ),
  ];
  if (changes.length > 0) lines.push('Approved changes in this deployment:', ...changeLines);
  return lines.join('\n');
}

/** The rejection when the evidence could not be read: the gate fails closed and says what to do. */
export function renderUnreadableComment(input: { environment: string; sha: string; reason: string }): string {
  return `Change Control rejected ${short(input.sha)} for ${input.environment}: the evidence could not be read (${oneLine(input.reason, 500)}). Nothing is approved without it; re-run the job once it can be read.`;
}
