import { resolvePolicy } from '../config/resolve-policy.js';
import type { ChangeControlConfig } from '../config/schema.js';
import type { RestClient } from '../github/publish-verdict.js';
import { readPullRequestFacts, type PullRequestRead } from '../github/read-pull-request-facts.js';
import { readTeamMembers, TeamNotFoundError } from '../github/read-team-members.js';
import { errorVerdict, evaluate, pullRequestRef } from '../policy/evaluate.js';
import type { PullRequestFacts, TeamMembers } from '../policy/facts.js';
import { findTicketKeys } from '../policy/find-ticket-keys.js';
import { isControlledBranch } from '../policy/is-controlled-branch.js';
import type { PolicySource, Verdict } from '../policy/verdict.js';
import { TicketProviderError } from '../tickets/ticket-reader.js';
import type { AppDeps } from './app-deps.js';

export type FoundPullRequest = Extract<PullRequestRead, { found: true }>;

export type Assessment =
  | { kind: 'skipped'; reason: string }
  | { kind: 'assessed'; read: FoundPullRequest; config: ChangeControlConfig | null; verdict: Verdict };

/** A fact could not be read: the evaluation becomes an `error` verdict with this reason. */
class EvaluationError extends Error {
  constructor(
    message: string,
    readonly nextStep: string,
  ) {
    super(message);
  }
}

async function lookupTicket(config: ChangeControlConfig, pr: PullRequestFacts, deps: AppDeps) {
  const search = findTicketKeys({ title: pr.title, headRef: pr.headRef, body: pr.body, projects: config.ticket.projects });
  if (config.ticket.provider !== 'jira' || search.key === null) return { search, lookup: null };
  if ('unavailable' in deps.tickets) {
    throw new EvaluationError(
      `Jira is not configured on the app: ${deps.tickets.unavailable}`,
      'An administrator of the app must set the Jira variables (see docs/configuration.md).',
    );
  }
  try {
    return { search, lookup: await deps.tickets.reader.lookup(search.key) };
  } catch (error) {
    if (error instanceof TicketProviderError) {
      throw new EvaluationError(`Jira lookup of ${search.key} failed: ${error.message}`, 'Re-run the Change control check once Jira is reachable.');
    }
    throw error;
  }
}

async function readTeams(config: ChangeControlConfig, pr: PullRequestFacts, octokit: RestClient): Promise<TeamMembers> {
  // Team membership matters only when someone approved; skip the calls otherwise.
  if (config.approval.teams.length === 0 || !pr.reviews.some((r) => r.state === 'APPROVED')) return {};
  try {
    return await readTeamMembers({ graphql: octokit.graphql, teams: config.approval.teams });
  } catch (error) {
    if (error instanceof TeamNotFoundError) {
      throw new EvaluationError(error.message, 'Fix approval.teams in the policy, or grant the app the Members: read permission.');
    }
    throw error;
  }
}

/** Decides the verdict from the read facts; `error` when a needed fact could not be had. */
async function decide(input: {
  read: FoundPullRequest;
  config: ChangeControlConfig;
  policy: PolicySource;
  octokit: RestClient;
  deps: AppDeps;
}): Promise<Verdict> {
  const { read, config, policy, octokit, deps } = input;
  try {
    const [ticket, teamMembers] = await Promise.all([lookupTicket(config, read.facts, deps), readTeams(config, read.facts, octokit)]);
    return evaluate({ config, policy, pr: read.facts, ticketSearch: ticket.search, ticketLookup: ticket.lookup, teamMembers, now: deps.now() });
  } catch (error) {
    // Whatever went wrong, the verdict is `error`: an exception must never leave an older success standing.
    const known = error instanceof EvaluationError;
    return errorVerdict({
      pullRequest: pullRequestRef(read.facts),
      policy,
      errors: [known ? error.message : `unexpected failure: ${error instanceof Error ? error.message : String(error)}`],
      nextStep: known ? error.nextStep : 'Re-run the Change control check; if it persists, see the app logs.',
      now: deps.now(),
    });
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
}): Promise<Assessment> {
  const { octokit, deps, owner, repo, number } = input;
  const read = await readPullRequestFacts({ graphql: octokit.graphql, owner, repo, number, appId: deps.appId });
  if (!read.found) return { kind: 'skipped', reason: read.reason };
  if (!read.open && !input.includeClosed) return { kind: 'skipped', reason: `#${number} is not open` };

  const policy = resolvePolicy(read);
  if (policy.kind === 'none') return { kind: 'skipped', reason: 'no .github/change-control.yml in the repository or the organisation' };
  if (policy.kind === 'invalid') {
    // The branches under control are unknown when the policy cannot be parsed: fail closed on every PR.
    const verdict = errorVerdict({
      pullRequest: pullRequestRef(read.facts),
      policy: policy.source,
      errors: policy.errors,
      nextStep: `Fix ${policy.source.repo}:${policy.source.path} on its default branch.`,
      now: deps.now(),
    });
    return { kind: 'assessed', read, config: null, verdict };
  }
  const controlled = isControlledBranch({ baseRef: read.facts.baseRef, branches: policy.config.branches, defaultBranch: read.defaultBranch });
  if (!controlled) return { kind: 'skipped', reason: `base branch ${read.facts.baseRef} is not under control` };
  const verdict = await decide({ read, config: policy.config, policy: policy.source, octokit, deps });
  return { kind: 'assessed', read, config: policy.config, verdict };
}
