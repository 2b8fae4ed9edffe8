import { resolvePolicyCached } from '../config/policy-cache.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';
import type { RestClient } from '../github/rest-client.js';
import { findCleanBaseMerges } from '../github/find-clean-base-merges.js';
import { readChangedFiles } from '../github/read-changed-files.js';
import { readPullRequestFacts, type FoundPullRequest } from '../github/read-pull-request-facts.js';
import { readTeamMembers, TeamNotFoundError } from '../github/read-team-members.js';
import { decide, type Grounds } from '../policy/decide.js';
import { pullRequestRef } from '../policy/evaluate.js';
import type { PullRequestFacts, PullRequestReadFacts, TeamMembers } from '../policy/facts.js';
import { coversEveryPath } from '../policy/approval-requirements.js';
import { isControlledBranch } from '../policy/is-controlled-branch.js';
import type { AppliedFloor, PolicySource, Verdict } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';
import { findEmergency } from './find-emergency.js';
import { EvaluationError, lookupTickets } from './lookup-tickets.js';
import { readPushers } from './read-pushers.js';

export type Assessment =
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'assessed';
      read: FoundPullRequest;
      /** The facts the verdict used: complete, or only the read ones when a needed fact could not be had. */
      facts: PullRequestFacts | PullRequestReadFacts;
      config: ChangeControlConfig | null;
      verdict: Verdict;
      /** Why the `error` verdict may clear by itself (Jira or GitHub failing): the queue retries it. Null: not retryable. */
      retryable: string | null;
    };

async function readTeams(config: ChangeControlConfig, pr: PullRequestReadFacts, octokit: RestClient): Promise<TeamMembers> {
  const teams = [...new Set([...config.approval.teams, ...config.approval.rules.flatMap((r) => r.teams)])];
  // Team membership matters only when someone approved; skip the calls otherwise.
  if (teams.length === 0 || !pr.reviews.some((r) => r.state === 'APPROVED')) return {};
  try {
    return await readTeamMembers({ graphql: octokit.graphql, teams });
  } catch (error) {
    if (error instanceof TeamNotFoundError) {
      throw new EvaluationError(error.message, 'Fix approval.teams in the policy, or grant the app the Members: read permission.');
    }
    throw error;
  }
}

/**
 * The facts only some policies need, each read only when needed: who pushed (audit store), the changed
 * files (path rules other than `**`, which applies to every PR, such as the organisation floor's teams), and
 * which merge commits only bring in the base branch (`ignore_base_merges`).
 */
async function completeFacts(
  read: FoundPullRequest,
  config: ChangeControlConfig,
  octokit: RestClient,
  deps: AppDeps,
): Promise<PullRequestFacts> {
  const { facts } = read;
  const { owner, repo, number } = facts;
  const [pushers, changedFiles, cleanBaseMerges] = await Promise.all([
    readPushers({ deps, owner, repo, number }),
    config.approval.rules.some((rule) => !coversEveryPath(rule))
      ? readChangedFiles({ octokit, owner, repo, number, expected: read.changedFilesCount })
      : null,
    config.approval.ignore_base_merges && facts.commits.some((c) => c.parents.length === 2)
      ? findCleanBaseMerges({ octokit, owner, repo, baseRef: facts.baseRef, commits: facts.commits })
      : [],
  ]);
  return { ...facts, pushers, changedFiles, cleanBaseMerges };
}

/** Gathers what the policy needs and the grounds of the verdict: complete facts, or why a needed fact could not be had. */
async function gather(input: {
  read: FoundPullRequest;
  config: ChangeControlConfig;
  policy: PolicySource;
  floor: AppliedFloor | null;
  octokit: RestClient;
  deps: AppDeps;
}): Promise<{ grounds: Grounds; facts: PullRequestFacts | PullRequestReadFacts; retryable: string | null }> {
  const { read, config, policy, floor, octokit, deps } = input;
  try {
    const [facts, ticket, teamMembers] = await Promise.all([
      completeFacts(read, config, octokit, deps),
      lookupTickets({ config, read, pr: read.facts, deps }),
      readTeams(config, read.facts, octokit),
    ]);
    const grounds: Grounds = {
      kind: 'facts',
      config,
      policy,
      pr: facts,
      ticketSearch: ticket.search,
      ticketLookups: ticket.lookups,
      people: ticket.people,
      teamMembers,
      floor,
      now: deps.now(),
    };
    return { grounds, facts, retryable: null };
  } catch (error) {
    // Whatever went wrong, the verdict is `error`: an exception must never leave an older success standing.
    const known = error instanceof EvaluationError;
    const errors = [known ? error.message : `evaluation failed: ${error instanceof Error ? error.message : String(error)}`];
    const nextStep = known ? error.nextStep : 'Re-run the Change control check; if it persists, see the app logs.';
    // Unknown errors come from GitHub reads (changed files, teams, merges): worth a retry, like Jira's.
    const retryable = !known || error.retryable ? errors.join('; ') : null;
    return {
      grounds: { kind: 'error', pullRequest: pullRequestRef(read.facts), policy, errors, nextStep, now: deps.now() },
      facts: read.facts,
      retryable,
    };
  }
}

/**
 * Reads one pull request (one GraphQL query), resolves the policy from default branches, and decides the
 * verdict. Skips PRs under no policy or into branches outside it (and closed ones unless `includeClosed`).
 * Throws only when GitHub itself cannot be read.
 */
export async function assessPullRequest(input: {
  octokit: RestClient;
  deps: AppDeps;
  owner: string;
  repo: string;
  number: number;
  includeClosed?: boolean;
  /** The verdict as the controls decide it, without a recorded emergency authorisation (to authorise one). */
  ignoreEmergency?: boolean;
}): Promise<Assessment> {
  const { octokit, deps, owner, repo, number } = input;
  const read = await readPullRequestFacts({ graphql: octokit.graphql, owner, repo, number, appId: deps.appId });
  if (!read.found) return { kind: 'skipped', reason: read.reason };
  if (!read.open && !input.includeClosed) return { kind: 'skipped', reason: `#${number} is not open` };

  const policy = resolvePolicyCached(read);
  if (policy.kind === 'none') return { kind: 'skipped', reason: 'no .github/change-control.yml in the repository or the organisation' };
  if (policy.kind === 'invalid') {
    // The branches under control are unknown when the policy cannot be parsed: fail closed on every PR.
    const verdict = decide({
      grounds: {
        kind: 'error',
        pullRequest: pullRequestRef(read.facts),
        policy: policy.source,
        errors: policy.errors,
        nextStep: `Fix ${policy.source.repo}:${policy.source.path} on its default branch.`,
        now: deps.now(),
      },
    });
    return { kind: 'assessed', read, facts: read.facts, config: null, verdict, retryable: null };
  }
  const controlled = isControlledBranch({
    baseRef: read.facts.baseRef,
    branches: policy.config.branches,
    defaultBranch: read.defaultBranch,
  });
  if (!controlled) return { kind: 'skipped', reason: `base branch ${read.facts.baseRef} is not under control` };
  const config = policy.config;
  const { grounds, facts, retryable } = await gather({ read, config, policy: policy.source, floor: policy.floor, octokit, deps });
  // An emergency authorised on this head passes the verdict, with what it waived (decide applies it last).
  const authorisation = input.ignoreEmergency ? null : await findEmergency({ deps, owner, repo, number, headSha: read.facts.headSha });
  const verdict = decide({ grounds, emergency: { authorisation, config: config.emergency } });
  return { kind: 'assessed', read, facts, config, verdict, retryable };
}
