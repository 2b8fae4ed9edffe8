import type { Verdict } from './verdict.js';

/** One PR the merge group holds, as it was assessed for the group: its verdict now, or why it could not be had. */
export type GroupMember =
  | { number: number; kind: 'assessed'; verdict: Verdict }
  /** Not found, not open, not under control, or GitHub could not be read: the group cannot be judged on it. */
  | { number: number; kind: 'unreadable'; reason: string };

export interface GroupMemberResult {
  number: number;
  headSha: string | null;
  state: Verdict['state'];
  description: string;
  /** `control: summary` of each control that did not pass, or why the PR could not be judged. */
  failing: string[];
}

/** The verdict on a merge group's head commit: never `pending`, since nothing would come back to settle it. */
export interface MergeGroupVerdict {
  state: 'success' | 'failure' | 'error';
  description: string;
  members: GroupMemberResult[];
  /** Why the group could not be judged (its PRs could not be found), one line each. */
  problems: string[];
}

/** GitHub truncates a status description at 140 characters. */
const MAX_DESCRIPTION = 140;

function memberResult(member: GroupMember): GroupMemberResult {
  if (member.kind === 'unreadable') {
    return { number: member.number, headSha: null, state: 'error', description: member.reason, failing: [member.reason] };
  }
  const { verdict } = member;
  const failing =
    verdict.state === 'error'
      ? verdict.errors
      : verdict.state === 'success'
        ? []
        : verdict.controls.filter((c) => c.outcome !== 'success').map((c) => `${c.control}: ${c.summary}`);
  return { number: member.number, headSha: verdict.pullRequest.headSha, state: verdict.state, description: verdict.description, failing };
}

function shorten(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/** `#12 (ticket: …)` for the first PR that does not pass, `and N more` for the rest. */
function naming(results: GroupMemberResult[]): string {
  const [first, ...rest] = results;
  if (first === undefined) return '';
  const why = first.failing[0] ?? first.description;
  return `#${first.number} ${why}${rest.length > 0 ? ` (and ${rest.map((r) => `#${r.number}`).join(', ')})` : ''}`;
}

/**
 * The verdict on a merge group: `success` only when the group's PRs were found and every one passes now;
 * `error` (fail closed) when the PRs could not be found or one could not be judged; `failure` naming the PR and
 * the control otherwise. A PR still `pending` (a required check running on its head) does not pass now: the
 * group fails, as GitHub would send nothing to settle it later.
 */
export function decideMergeGroup(input: { members: GroupMember[]; problems: string[] }): MergeGroupVerdict {
  const members = input.members.map(memberResult);
  const problems = [...input.problems];
  if (members.length === 0 && problems.length === 0) problems.push('no pull request of the merge group was found');
  if (problems.length > 0) {
    return { state: 'error', description: shorten(`Merge group not judged: ${problems.join('; ')}`), members, problems };
  }
  const errors = members.filter((m) => m.state === 'error');
  if (errors.length > 0) return { state: 'error', description: shorten(`Could not judge ${naming(errors)}`), members, problems };
  const failing = members.filter((m) => m.state !== 'success');
  if (failing.length > 0) return { state: 'failure', description: shorten(`Not passing: ${naming(failing)}`), members, problems };
  const numbers = members.map((m) => `#${m.number}`).join(', ');
  return { state: 'success', description: shorten(`Every pull request of the group passes: ${numbers}`), members, problems };
}
