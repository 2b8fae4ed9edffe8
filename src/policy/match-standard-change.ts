import picomatch from 'picomatch';
import type { StandardChangeClass } from './config-schema.js';
import type { Actor, PullRequestFacts } from './facts.js';
import { findContributors } from './find-contributors.js';

/**
 * A PR with more changed files than this never matches a class: GitHub's file list is then long and slow to read,
 * and a "routine" change that large is not routine (fail closed: it needs a ticket of its own).
 */
export const MAX_STANDARD_CHANGE_FILES = 300;

/** How one class was judged against the PR: every reason it matched, or the first condition it failed. */
export interface StandardChangeCheck {
  name: string;
  ticket: string;
  matched: boolean;
  /** Matched: one line per condition met ("all 2 changed files match …"); not matched: why not. */
  reasons: string[];
}

/** Which standard change class covers the PR (the first that matches, in policy order), and how each was judged. */
export interface StandardChangeMatch {
  /** The class that covers the PR; null when none does (the PR needs a ticket of its own). */
  matched: {
    name: string;
    ticket: string;
    reasons: string[];
    /** The approval count the class sets: only when every author is a listed bot; null when the policy's applies. */
    approvalCount: number | null;
    /** Why the class's approval count does or does not apply (null: the class sets none). */
    approvalNote: string | null;
  } | null;
  checks: StandardChangeCheck[];
}

export type StandardChangeFacts = Pick<PullRequestFacts, 'author' | 'commits' | 'pushers' | 'cleanBaseMerges' | 'changedFiles'>;

const BOT_SUFFIX = '[bot]';

/** GitHub's GraphQL names a bot `dependabot`, REST and webhooks `dependabot[bot]`: the author as the policy writes it. */
function authorLogin(author: Actor): string {
  const login = author.login.toLowerCase();
  return author.isBot && !login.endsWith(BOT_SUFFIX) ? `${login}${BOT_SUFFIX}` : login;
}

/**
 * A git identity GitHub did not tie to a user: a bot's commits carry its no-reply address
 * (`49699333+dependabot[bot]@users.noreply.github.com`); the listed bot it names, or null.
 */
function botOfEmail(email: string | null, listed: Set<string>): string | null {
  const match = /^\d+\+([a-z0-9-]+\[bot\])@users\.noreply\.github\.com$/.exec((email ?? '').toLowerCase());
  const login = match?.[1];
  return login !== undefined && listed.has(login) ? login : null;
}

interface AuthorJudgement {
  problem: string | null;
  /** Everyone who wrote or pushed the change, as the policy names them. */
  authors: string[];
  allBots: boolean;
}

/** The PR author and every commit author, committer, co-author and pusher must be listed; a listed bot only as a bot. */
function judgeAuthors(entry: StandardChangeClass, pr: StandardChangeFacts): AuthorJudgement {
  const listed = new Set(entry.authors.map((a) => a.toLowerCase()));
  const author = authorLogin(pr.author);
  const none = { authors: [], allBots: false };
  // A login ending in [bot] is a GitHub App; GitHub refuses such names for users, and the author's type is read too.
  if (author.endsWith(BOT_SUFFIX) !== pr.author.isBot) return { problem: `author ${pr.author.login} is not the bot it seems`, ...none };
  if (!listed.has(author)) return { problem: `author ${author} is not one of ${entry.authors.join(', ')}`, ...none };
  const authors = new Set([author]);
  const contributors = findContributors(pr);
  for (const { login, detail } of contributors.byLogin.values()) {
    const name = login.toLowerCase();
    if (!listed.has(name)) return { problem: `${login} ${detail}, not one of ${entry.authors.join(', ')}`, ...none };
    authors.add(name);
  }
  for (const identity of contributors.unattributed) {
    const bot = botOfEmail(identity.email, listed);
    if (bot === null) {
      const who = identity.email ?? identity.name ?? 'an unnamed identity';
      const role = `${identity.role === 'author' ? 'an' : 'a'} ${identity.role}`;
      return { problem: `commit ${identity.commitSha.slice(0, 7)} has ${role} (${who}) GitHub cannot tie to a listed author`, ...none };
    }
    authors.add(bot);
  }
  const names = [...authors];
  return { problem: null, authors: names, allBots: names.every((n) => n.endsWith(BOT_SUFFIX)) };
}

/** Every changed file (both paths of a rename) must match one of the class's globs; null: they all do. */
function judgePaths(entry: StandardChangeClass, pr: StandardChangeFacts): { problem: string } | { reason: string } {
  const files = pr.changedFiles;
  if (files === null)
    return { problem: `the changed files could not be read (more than ${MAX_STANDARD_CHANGE_FILES}, or GitHub did not list them)` };
  if (files.length === 0) return { problem: 'the PR changes no file' };
  if (files.length > MAX_STANDARD_CHANGE_FILES) return { problem: `${files.length} changed files, more than ${MAX_STANDARD_CHANGE_FILES}` };
  const matches = picomatch(entry.paths, { dot: true });
  const paths = files.flatMap((f) => (f.previousPath ? [f.path, f.previousPath] : [f.path]));
  const outside = paths.filter((p) => !matches(p));
  if (outside.length > 0) {
    const more = outside.length > 1 ? ` and ${outside.length - 1} more` : '';
    return { problem: `${outside[0]}${more} outside ${entry.paths.join(', ')}` };
  }
  const count = files.length;
  return { reason: `all ${count} changed file${count === 1 ? '' : 's'} match ${entry.paths.join(', ')}` };
}

/** Additions and deletions of every changed file (GitHub's file list gives them), within `max_changed_lines`. */
function judgeSize(entry: StandardChangeClass, pr: StandardChangeFacts): { problem: string } | { reason: string | null } {
  const max = entry.max_changed_lines;
  if (max === undefined) return { reason: null };
  let lines = 0;
  for (const file of pr.changedFiles ?? []) {
    if (file.additions === undefined || file.deletions === undefined) return { problem: `the size of ${file.path} is unknown` };
    lines += file.additions + file.deletions;
  }
  if (lines > max) return { problem: `${lines} changed lines, more than ${max}` };
  return { reason: `${lines} changed line${lines === 1 ? '' : 's'} (at most ${max})` };
}

function judgeClass(entry: StandardChangeClass, pr: StandardChangeFacts): StandardChangeCheck & { authors: AuthorJudgement } {
  const base = { name: entry.name, ticket: entry.ticket };
  const miss = (problem: string, authors: AuthorJudgement) => ({ ...base, matched: false, reasons: [problem], authors });
  const authors = judgeAuthors(entry, pr);
  if (authors.problem !== null) return miss(authors.problem, authors);
  const paths = judgePaths(entry, pr);
  if ('problem' in paths) return miss(paths.problem, authors);
  const size = judgeSize(entry, pr);
  if ('problem' in size) return miss(size.problem, authors);
  const who = `author${authors.authors.length === 1 ? '' : 's'} ${authors.authors.join(', ')}`;
  return { ...base, matched: true, reasons: [paths.reason, ...(size.reason === null ? [] : [size.reason]), who], authors };
}

/** The class's approval count applies only when every author is a listed bot; a higher count applies always. */
function approvalOf(
  entry: StandardChangeClass,
  authors: AuthorJudgement,
  policyCount: number,
): { approvalCount: number | null; approvalNote: string | null } {
  const count = entry.approval?.count;
  if (count === undefined) return { approvalCount: null, approvalNote: null };
  if (authors.allBots)
    return { approvalCount: count, approvalNote: `approval.count ${count} of the class applies: every author is a listed bot` };
  if (count > policyCount) return { approvalCount: count, approvalNote: `approval.count ${count} of the class applies` };
  return {
    approvalCount: null,
    approvalNote: `approval.count ${count} of the class does not apply: not every author is a bot (approval.count ${policyCount} applies)`,
  };
}

/**
 * Which standard change class covers the PR: the first, in policy order, whose every condition holds: the PR author
 * and every commit author, committer, co-author and pusher are listed authors (a bot identified by GitHub as a bot),
 * every changed file matches the class's paths, and the changed lines are within `max_changed_lines`. The classes
 * come from the policy (default branch), never from the PR. Pure: the facts are read by gather.
 */
export function matchStandardChange(input: {
  classes: StandardChangeClass[];
  pr: StandardChangeFacts;
  /** The policy's `approval.count`, which a class may lower only when every author is a listed bot. */
  policyApprovalCount: number;
}): StandardChangeMatch {
  const checks: StandardChangeCheck[] = [];
  let matched: StandardChangeMatch['matched'] = null;
  for (const entry of input.classes) {
    const { authors, ...check } = judgeClass(entry, input.pr);
    checks.push(check);
    if (check.matched && matched === null)
      matched = {
        name: entry.name,
        ticket: entry.ticket,
        reasons: check.reasons,
        ...approvalOf(entry, authors, input.policyApprovalCount),
      };
  }
  return { matched, checks };
}
