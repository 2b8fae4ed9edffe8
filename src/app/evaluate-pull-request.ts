import type { Logger } from 'probot';
import { resolvePolicy } from '../config/resolve-policy.js';
import type { ChangeControlConfig } from '../config/schema.js';
import { STATUS_CONTEXT } from '../github/names.js';
import { publishVerdict, type PublishResult, type RestClient } from '../github/publish-verdict.js';
import { readPullRequestFacts, type PullRequestRead } from '../github/read-pull-request-facts.js';
import { readTeamMembers, TeamNotFoundError } from '../github/read-team-members.js';
import { errorVerdict, evaluate, pullRequestRef } from '../policy/evaluate.js';
import type { PullRequestFacts, TeamMembers, TicketLookup } from '../policy/facts.js';
import { findTicketKeys } from '../policy/find-ticket-keys.js';
import { isControlledBranch } from '../policy/is-controlled-branch.js';
import type { PolicySource, Verdict } from '../policy/verdict.js';
import { TicketProviderError, type TicketReader } from '../tickets/ticket-reader.js';

/** What the evaluation needs besides GitHub: injected, so tests and the demo choose their own. */
export interface AppDeps {
  appId: number;
  /** The Jira reader, or why there is none (e.g. JIRA_BASE_URL not set): a policy that needs Jira then gets `error`. */
  tickets: { reader: TicketReader } | { unavailable: string };
  now: () => Date;
}

export type EvaluationOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'published'; verdict: Verdict; publish: PublishResult };

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
  let lookup: TicketLookup | null = null;
  if (config.ticket.provider === 'jira' && search.key !== null) {
    if ('unavailable' in deps.tickets) {
      throw new EvaluationError(`Jira is not configured on the app: ${deps.tickets.unavailable}`, 'An administrator of the app must set the Jira variables (see docs/configuration.md).');
    }
    try {
      lookup = await deps.tickets.reader.lookup(search.key);
    } catch (error) {
      if (error instanceof TicketProviderError) {
        throw new EvaluationError(`Jira lookup of ${search.key} failed: ${error.message}`, 'Re-run the Change control check once Jira is reachable.');
      }
      throw error;
    }
  }
  return { search, lookup };
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
  read: Extract<PullRequestRead, { found: true }>;
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
 * Evaluates one pull request and publishes the verdict: read facts (one GraphQL query), resolve the
 * policy from default branches, skip PRs that are not under control, decide, then write the status
 * and check run only if they changed. Failures to read GitHub become an `error` status on `headSha`.
 */
export async function evaluatePullRequest(input: {
  octokit: RestClient;
  log: Logger;
  deps: AppDeps;
  owner: string;
  repo: string;
  number: number;
  /** The head SHA the event named: where an `error` status goes if GitHub cannot be read. */
  headSha: string | null;
  force?: boolean;
}): Promise<EvaluationOutcome> {
  const { octokit, log, deps, owner, repo, number } = input;
  let read: PullRequestRead;
  try {
    read = await readPullRequestFacts({ graphql: octokit.graphql, owner, repo, number, appId: deps.appId });
  } catch (error) {
    log.error({ err: error, owner, repo, number }, 'reading pull request facts failed');
    if (input.headSha === null) throw error;
    const url = `https://github.com/${owner}/${repo}/pull/${number}`;
    const verdict = errorVerdict({
      pullRequest: { owner, repo, number, headSha: input.headSha, url },
      policy: null,
      errors: [`GitHub could not be read: ${error instanceof Error ? error.message : String(error)}`],
      nextStep: 'Re-run the Change control check; if it persists, see the app logs.',
      now: deps.now(),
    });
    await octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      owner,
      repo,
      sha: input.headSha,
      state: 'error',
      context: STATUS_CONTEXT,
      description: verdict.description,
    });
    return { kind: 'published', verdict, publish: { wroteStatus: true, checkRun: 'unchanged', checkRunUrl: null } };
  }
  const skip = (reason: string): EvaluationOutcome => {
    log.info({ pr: `${owner}/${repo}#${number}`, reason }, 'pull request not evaluated');
    return { kind: 'skipped', reason };
  };
  if (!read.found) return skip(read.reason);
  if (!read.open) return skip(`#${number} is not open`);

  const policy = resolvePolicy(read);
  if (policy.kind === 'none') return skip('no .github/change-control.yml in the repository or the organisation');

  let verdict: Verdict;
  if (policy.kind === 'invalid') {
    // The branches under control are unknown when the policy cannot be parsed: fail closed on every PR.
    verdict = errorVerdict({
      pullRequest: pullRequestRef(read.facts),
      policy: policy.source,
      errors: policy.errors,
      nextStep: `Fix ${policy.source.repo}:${policy.source.path} on its default branch.`,
      now: deps.now(),
    });
  } else {
    const controlled = isControlledBranch({ baseRef: read.facts.baseRef, branches: policy.config.branches, defaultBranch: read.defaultBranch });
    if (!controlled) return skip(`base branch ${read.facts.baseRef} is not under control`);
    verdict = await decide({ read, config: policy.config, policy: policy.source, octokit, deps });
  }

  const publish = await publishVerdict({ octokit, verdict, published: read.published, force: input.force ?? false });
  log.info(
    { pr: `${owner}/${repo}#${number}`, headSha: read.facts.headSha, state: verdict.state, verdict, publish },
    'pull request evaluated',
  );
  return { kind: 'published', verdict, publish };
}
