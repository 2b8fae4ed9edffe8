import type { ApprovalConfig } from '../config/schema.js';
import type { PullRequestFacts, ReviewFact, TeamMembers } from './facts.js';
import { findContributors } from './find-contributors.js';
import type { ApprovalResult, CountedApproval, IgnoredApproval } from './verdict.js';

const short = (sha: string | null): string => (sha === null ? 'an unknown commit' : sha.slice(0, 7));

/** Each reviewer's reviews in time order; COMMENTED and PENDING reviews do not change a reviewer's state. */
function latestStatePerReviewer(reviews: ReviewFact[]): Map<string, { latest: ReviewFact; history: ReviewFact[] }> {
  const byReviewer = new Map<string, { latest: ReviewFact; history: ReviewFact[] }>();
  const ordered = [...reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  for (const review of ordered) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    const login = review.reviewer.login.toLowerCase();
    const entry = byReviewer.get(login);
    if (entry) {
      entry.latest = review;
      entry.history.push(review);
    } else {
      byReviewer.set(login, { latest: review, history: [review] });
    }
  }
  return byReviewer;
}

function isTeamMember(login: string, teams: string[], members: TeamMembers): boolean {
  return teams.some((team) => (members[team] ?? []).includes(login.toLowerCase()));
}

/**
 * The segregation-of-duties control: enough approvals, on the head commit, from people independent
 * of the change (not the author, not a commit author, committer or co-author, not a bot).
 */
export function evaluateApprovals(input: {
  config: ApprovalConfig;
  pr: Pick<PullRequestFacts, 'author' | 'commits' | 'reviews' | 'headSha'>;
  teamMembers: TeamMembers;
}): ApprovalResult {
  const { config, pr, teamMembers } = input;
  const contributors = findContributors(pr);
  const counted: CountedApproval[] = [];
  const ignored: IgnoredApproval[] = [];
  const changesRequestedBy: string[] = [];

  for (const { latest, history } of latestStatePerReviewer(pr.reviews).values()) {
    const login = latest.reviewer.login;
    const ignore = (reason: IgnoredApproval['reason'], detail: string): void => {
      ignored.push({ login, reason, detail, commitSha: latest.commitSha, submittedAt: latest.submittedAt });
    };
    if (latest.state !== 'APPROVED') {
      if (latest.state === 'CHANGES_REQUESTED') changesRequestedBy.push(login);
      if (history.some((r) => r.state === 'APPROVED')) {
        const why = latest.state === 'DISMISSED' ? 'was dismissed' : 'was followed by a request for changes';
        ignore('superseded', `approval ${why} (${latest.submittedAt})`);
      }
      continue;
    }
    if (latest.reviewer.isBot) ignore('bot', 'bots cannot approve a change');
    else if (login.toLowerCase() === pr.author.login.toLowerCase()) ignore('author', 'the PR author cannot approve their own change');
    else if (contributors.logins.has(login.toLowerCase())) ignore('contributor', 'authored or committed a commit in this PR');
    else if (latest.commitSha !== pr.headSha) ignore('stale', `approved ${short(latest.commitSha)}, before the last push to ${short(pr.headSha)}`);
    else if (config.teams.length > 0 && !isTeamMember(login, config.teams, teamMembers)) ignore('not-in-team', `not a member of ${config.teams.join(', ')}`);
    else counted.push({ login, commitSha: latest.commitSha, submittedAt: latest.submittedAt });
  }

  const evidence = {
    required: config.count,
    headSha: pr.headSha,
    author: pr.author.login,
    contributors: [...contributors.logins].sort(),
    unattributed: contributors.unattributed,
    counted,
    ignored,
    changesRequestedBy,
    teams: config.teams,
  };

  // With approval.count 0 there is no approver whose independence matters, so an unknown identity cannot block.
  if (config.count > 0 && contributors.unattributed.length > 0) {
    const first = contributors.unattributed[0]!;
    return {
      control: 'approval',
      outcome: 'failure',
      summary: `Commit ${short(first.commitSha)} has ${first.role === 'author' ? 'an' : 'a'} ${first.role} (${first.email ?? 'no email'}) not tied to a GitHub user`,
      nextStep:
        'Independence cannot be proven for commits by unknown people: have the author add that email to their GitHub account, or rewrite the commits with a known identity.',
      evidence,
    };
  }
  if (counted.length >= config.count) {
    const who = counted.map((a) => a.login).join(', ');
    return {
      control: 'approval',
      outcome: 'success',
      summary: config.count === 0 ? 'No approval required (approval.count: 0)' : `Approved on ${short(pr.headSha)} by ${who}`,
      nextStep: null,
      evidence,
    };
  }
  const missing = config.count - counted.length;
  const pool = config.teams.length > 0 ? ` from ${config.teams.join(' or ')}` : '';
  return {
    control: 'approval',
    outcome: 'pending',
    summary: `Needs ${missing} more independent approval${missing === 1 ? '' : 's'}${pool} on ${short(pr.headSha)}`,
    nextStep: `Ask ${missing === 1 ? 'a reviewer' : `${missing} reviewers`}${pool} who did not write or commit to this PR to approve the current head commit ${short(pr.headSha)}.`,
    evidence,
  };
}
