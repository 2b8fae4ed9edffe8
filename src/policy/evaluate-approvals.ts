import type { ApprovalConfig } from './config-schema.js';
import { approvalRequirements, type Requirement } from './approval-requirements.js';
import type { PullRequestFacts, ReviewFact, TeamMembers } from './facts.js';
import { findContributors } from './find-contributors.js';
import { matchRebasedPatch, type RebaseMatch } from './patch-id.js';
import type { ApprovalRequirement, ApprovalResult, CountedApproval, IgnoredApproval } from './verdict.js';

type Facts = Pick<
  PullRequestFacts,
  'author' | 'commits' | 'reviews' | 'headSha' | 'pushers' | 'changedFiles' | 'cleanBaseMerges' | 'patches'
>;

const short = (sha: string | null): string => (sha === null ? 'an unknown commit' : sha.slice(0, 7));

/** Each reviewer's decisive reviews in time order; COMMENTED and PENDING reviews do not change a reviewer's state. */
function reviewsByReviewer(reviews: ReviewFact[]): { latest: ReviewFact; history: ReviewFact[] }[] {
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
  return [...byReviewer.values()];
}

/**
 * Whether an approval of `sha` covers the head: it is the head, or (`ignore_base_merges`) every later
 * commit is a verified clean merge of the base branch, or approvals survive pushes (`invalidate_on_push: false`).
 */
function coversHead(sha: string | null, pr: Pick<Facts, 'headSha' | 'commits' | 'cleanBaseMerges'>, config: ApprovalConfig): boolean {
  if (sha === null) return false;
  if (sha === pr.headSha) return true;
  const index = pr.commits.findIndex((c) => c.sha === sha);
  if (!config.invalidate_on_push) return index >= 0;
  if (!config.ignore_base_merges || index < 0) return false;
  const clean = new Set(pr.cleanBaseMerges);
  return pr.commits.slice(index + 1).every((c) => clean.has(c.sha));
}

/**
 * The earlier heads whose patches `approval.keep_on_rebase` must compare with the head's: those of the approvals
 * that could count but do not cover the head otherwise. Empty when the option is off (nothing is read).
 */
export function approvedHeadsToCompare(input: {
  config: ApprovalConfig;
  pr: Pick<PullRequestFacts, 'commits' | 'reviews' | 'headSha' | 'cleanBaseMerges'>;
}): string[] {
  const { config, pr } = input;
  if (!config.keep_on_rebase) return [];
  const heads = reviewsByReviewer(pr.reviews)
    .map(({ latest }) => latest)
    .filter((r) => r.state === 'APPROVED' && !r.reviewer.isBot && r.reviewerCanPush)
    .flatMap((r) => (r.commitSha === null || coversHead(r.commitSha, pr, config) ? [] : [r.commitSha]));
  return [...new Set(heads)];
}

/** With `keep_on_rebase`: whether the approved head's patch is the head's; null when the option is off. */
function rebaseMatch(sha: string | null, pr: Facts, config: ApprovalConfig): RebaseMatch | null {
  if (!config.keep_on_rebase) return null;
  if (sha === null) return { same: false, why: 'GitHub no longer knows the approved commit' };
  const patchOf = (head: string) => pr.patches.find((p) => p.head === head);
  return matchRebasedPatch(patchOf(sha), patchOf(pr.headSha));
}

function inTeams(login: string, teams: string[], members: TeamMembers): boolean {
  return teams.length === 0 || teams.some((team) => (members[team] ?? []).includes(login.toLowerCase()));
}

/** The approvals kept across a rebase, as the summary names them. */
function rebasedNote(counted: CountedApproval[]): string {
  const rebased = counted.filter((a) => a.rebased !== undefined);
  if (rebased.length === 0) return '';
  const which = rebased.map((a) => `${a.login} approved on ${short(a.commitSha)}`).join(', ');
  return ` (${which}, rebased without changes to the PR's diff)`;
}

function describeRequirement(r: Requirement): string {
  const pool = r.teams.length > 0 ? ` from ${r.teams.join(' or ')}` : '';
  const paths = r.paths.length > 0 ? ` for ${r.paths.join(', ')}` : '';
  return `${pool}${paths}`;
}

/**
 * The segregation-of-duties control: enough approvals of the code being merged, from people with write
 * access who are independent of the change (not the PR author, not anyone who authored, committed,
 * co-authored or pushed it, not a bot), meeting the policy's count and every matching path rule; no
 * outstanding request for changes from someone with write access; every commit attributable.
 */
export function evaluateApprovals(input: { config: ApprovalConfig; pr: Facts; teamMembers: TeamMembers }): ApprovalResult {
  const { config, pr, teamMembers } = input;
  // Clean base merges only make nobody a contributor when the policy says so; otherwise they count (fail closed).
  const contributors = findContributors({ ...pr, cleanBaseMerges: config.ignore_base_merges ? pr.cleanBaseMerges : [] });
  const requirements = approvalRequirements(config, pr.changedFiles);
  const eligible: CountedApproval[] = [];
  const ignored: IgnoredApproval[] = [];
  const changesRequestedBy: string[] = [];
  const blockingChangesRequestedBy: string[] = [];

  for (const { latest, history } of reviewsByReviewer(pr.reviews)) {
    const login = latest.reviewer.login;
    const ignore = (reason: IgnoredApproval['reason'], detail: string): void => {
      ignored.push({ login, reason, detail, commitSha: latest.commitSha, submittedAt: latest.submittedAt });
    };
    if (latest.state !== 'APPROVED') {
      if (latest.state === 'CHANGES_REQUESTED') {
        changesRequestedBy.push(login);
        // As on GitHub, anyone with write access blocks with a request for changes, a bot included.
        if (latest.reviewerCanPush) blockingChangesRequestedBy.push(login);
      }
      if (history.some((r) => r.state === 'APPROVED')) {
        const why = latest.state === 'DISMISSED' ? 'was dismissed' : 'was followed by a request for changes';
        ignore('superseded', `approval ${why} (${latest.submittedAt})`);
      } else if (latest.state === 'DISMISSED') {
        // GitHub turns a dismissed review itself into DISMISSED: it may have been an approval, so list it.
        ignore('superseded', `review was dismissed (${latest.submittedAt})`);
      }
      continue;
    }
    const key = login.toLowerCase();
    const contribution = contributors.byLogin.get(key);
    if (latest.reviewer.isBot) ignore('bot', 'bots cannot approve');
    else if (!latest.reviewerCanPush) ignore('no-write-access', 'has no write access to the repository');
    else if (key === pr.author.login.toLowerCase() && !config.allow_author) ignore('author', 'is the PR author');
    // Allowing contributors never allows the author: that needs allow_author.
    else if (contribution && key !== pr.author.login.toLowerCase() && !config.allow_contributors)
      ignore('contributor', contribution.detail);
    else if (coversHead(latest.commitSha, pr, config))
      eligible.push({ login, commitSha: latest.commitSha ?? pr.headSha, submittedAt: latest.submittedAt });
    else {
      const stale = `approved ${short(latest.commitSha)}, before the last push to ${short(pr.headSha)}`;
      const match = rebaseMatch(latest.commitSha, pr, config);
      if (match === null) ignore('stale', stale);
      else if (!match.same) ignore('stale', `${stale} (keep_on_rebase: ${match.why})`);
      else {
        const rebased = { approvedHead: match.approved, head: match.current, patchId: match.patchId };
        eligible.push({ login, commitSha: match.approved, submittedAt: latest.submittedAt, rebased });
      }
    }
  }

  const met: ApprovalRequirement[] = requirements.map((r) => {
    const approvers = eligible.filter((a) => inTeams(a.login, r.teams, teamMembers)).map((a) => a.login);
    return { ...r, approvers, satisfied: approvers.length >= r.count };
  });
  const counted = eligible.filter((a) => met.some((r) => r.approvers.includes(a.login)));
  for (const a of eligible.filter((e) => !counted.includes(e))) {
    const teams = [...new Set(requirements.flatMap((r) => r.teams))];
    ignored.push({
      login: a.login,
      reason: 'not-in-team',
      detail: `not in ${teams.join(' or ')}`,
      commitSha: a.commitSha,
      submittedAt: a.submittedAt,
    });
  }

  const evidence = {
    required: config.count,
    headSha: pr.headSha,
    author: pr.author.login,
    contributors: [...contributors.byLogin.values()].sort((a, b) => a.login.localeCompare(b.login)),
    unattributed: contributors.unattributed,
    unattributedPolicy: config.unattributed_commits,
    counted,
    ignored,
    changesRequestedBy,
    blockingChangesRequestedBy,
    teams: config.teams,
    requirements: met,
    ...(config.keep_on_rebase ? { patches: pr.patches } : {}),
  };
  const unsatisfied = met.filter((r) => !r.satisfied);
  // With nothing required there is nothing to prove independent, so unknown identities are only reported.
  const mustAttribute = config.unattributed_commits === 'block' && met.some((r) => r.count > 0);

  if (mustAttribute && contributors.unattributed.length > 0) {
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
  if (blockingChangesRequestedBy.length > 0) {
    const who = blockingChangesRequestedBy.join(', ');
    return {
      control: 'approval',
      outcome: 'failure',
      summary: `Changes requested by ${who}`,
      nextStep: `Address the requested changes; ${who} must approve, or the review must be dismissed.`,
      evidence,
    };
  }
  if (unsatisfied.length === 0) {
    const who = counted.map((a) => a.login).join(', ');
    return {
      control: 'approval',
      outcome: 'success',
      summary:
        counted.length === 0
          ? 'No approval required (approval.count: 0)'
          : `Approved on ${short(pr.headSha)} by ${who}${rebasedNote(counted)}`,
      nextStep: null,
      evidence,
    };
  }
  const first = unsatisfied[0]!;
  const missing = first.count - first.approvers.length;
  const pool = describeRequirement(first);
  return {
    control: 'approval',
    outcome: 'pending',
    summary: `Needs ${missing} more independent approval${missing === 1 ? '' : 's'}${pool} on ${short(pr.headSha)}`,
    nextStep: `Ask ${missing === 1 ? 'a reviewer' : `${missing} reviewers`}${pool} with write access who did not write, commit or push to this PR to approve the current head commit ${short(pr.headSha)}.`,
    evidence,
  };
}
