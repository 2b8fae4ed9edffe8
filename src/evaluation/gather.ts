import type { RestClient } from '../github/rest-client.js';
import { readStatusHistory } from '../github/read-status-history.js';
import { expectedSource } from '../policy/expected-source.js';
import { cachedComparisons, type CompareCommits } from '../github/compare-commits.js';
import { findCleanBaseMerges } from '../github/find-clean-base-merges.js';
import { readPatchFact } from '../github/read-patch-fact.js';
import { PartialFileListError, readChangedFiles } from '../github/read-changed-files.js';
import { readSecurityFacts } from './read-security-facts.js';
import type { FoundPullRequest } from '../github/read-pull-request-facts.js';
import { readTeamMembers, TeamNotFoundError } from '../github/read-team-members.js';
import { coversEveryPath } from '../policy/approval-requirements.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';
import type { ErrorGrounds, FactGrounds } from '../policy/decide.js';
import { pullRequestRef } from '../policy/evaluate.js';
import { approvedHeadsToCompare } from '../policy/evaluate-approvals.js';
import type { ChangedFile, CheckFact, PullRequestFacts, PullRequestReadFacts, TeamMembers } from '../policy/facts.js';
import { MAX_STANDARD_CHANGE_FILES } from '../policy/match-standard-change.js';
import type { PatchFact } from '../policy/patch-id.js';
import type { AppDeps } from './app-deps.js';
import { askOpa } from './ask-opa.js';
import type { CreationFailure } from './ensure-created-ticket.js';
import { EvaluationError, lookupTickets } from './lookup-tickets.js';
import type { ReadResult } from './read.js';
import { readPushers } from './read-pushers.js';

/** What gathering found: the grounds of the verdict over complete facts, or why a needed fact could not be had. */
export type Gathered =
  | { kind: 'complete'; read: FoundPullRequest; config: ChangeControlConfig; facts: PullRequestFacts; grounds: FactGrounds }
  | {
      kind: 'error';
      read: FoundPullRequest;
      /** Null: the policy itself cannot be parsed. */
      config: ChangeControlConfig | null;
      /** Only what GitHub's query said: the facts that could not be gathered are not there. */
      facts: PullRequestReadFacts;
      grounds: ErrorGrounds;
      /** Why the error may clear by itself (Jira or GitHub failing): the queue retries it. Null: not retryable. */
      retryable: string | null;
    };

async function readTeams(config: ChangeControlConfig, pr: PullRequestReadFacts, octokit: RestClient): Promise<TeamMembers> {
  // For approvals, team membership matters only when someone approved; OPA's input lists its teams' members always.
  const approvalTeams = pr.reviews.some((r) => r.state === 'APPROVED')
    ? [...config.approval.teams, ...config.approval.rules.flatMap((r) => r.teams)]
    : [];
  const teams = [...new Set([...approvalTeams, ...config.opa.teams])];
  if (teams.length === 0) return {};
  try {
    return await readTeamMembers({ graphql: octokit.graphql, teams });
  } catch (error) {
    if (error instanceof TeamNotFoundError) {
      throw new EvaluationError(
        error.message,
        'Fix approval.teams or opa.teams in the policy, or grant the app the Members: read permission.',
      );
    }
    throw error;
  }
}

/**
 * The head's checks with the whole history of the required commit statuses (the rollup keeps only the latest per
 * context): who reported a failure decides who may replace it. Read only when a required status shows a success.
 */
async function withStatusHistory(input: {
  facts: PullRequestReadFacts;
  config: ChangeControlConfig;
  octokit: RestClient;
}): Promise<CheckFact[]> {
  const { facts, config, octokit } = input;
  const required = new Set(config.checks.required.map((entry) => expectedSource(entry).name));
  const statuses = facts.checks.filter((c) => c.kind === 'status' && required.has(c.name));
  // Only a success can be a forgery that hides a failure; a latest failure or pending never passes the control.
  if (!statuses.some((c) => c.state === 'success')) return facts.checks;
  const contexts = new Set(statuses.map((c) => c.name));
  const history = await readStatusHistory({ octokit, owner: facts.owner, repo: facts.repo, sha: facts.headSha, contexts });
  return [...facts.checks.filter((c) => !(c.kind === 'status' && contexts.has(c.name))), ...history];
}

/**
 * The facts only some policies need, each read only when needed: who pushed (audit store), the changed
 * files (path rules other than `**`, which applies to every PR, such as the organisation floor's teams),
 * which merge commits only bring in the base branch (`ignore_base_merges`), the patches of approved earlier
 * heads and the head (`keep_on_rebase`; comparisons are read once per (base, head) within the evaluation), and
 * the security findings (`security:`).
 */
async function completeFacts(
  read: FoundPullRequest,
  config: ChangeControlConfig,
  octokit: RestClient,
  deps: AppDeps,
): Promise<PullRequestFacts> {
  const { facts } = read;
  const { owner, repo, number } = facts;
  const compare = cachedComparisons({ octokit, owner, repo });
  const merges =
    config.approval.ignore_base_merges && facts.commits.some((c) => c.parents.length === 2)
      ? findCleanBaseMerges({ compare, baseRef: facts.baseRef, commits: facts.commits })
      : Promise.resolve([]);
  const [pushers, checks, changedFiles, cleanBaseMerges, patches, security] = await Promise.all([
    readPushers({ deps, owner, repo, number }),
    withStatusHistory({ facts, config, octokit }),
    changedFilesFor({ config, read, octokit }),
    merges,
    // After the clean merges: an approval they already carry to the head needs no comparison.
    merges.then((clean) => rebasedPatches({ config, facts: { ...facts, cleanBaseMerges: clean }, base: comparedBase(read), compare })),
    config.security ? readSecurityFacts({ security: config.security, facts, octokit }) : null,
  ]);
  return { ...facts, pushers, checks, changedFiles, cleanBaseMerges, patches, ...(security ? { security } : {}) };
}

/**
 * The changed files, read when a control decides by path: OPA's input always lists them, path rules other than
 * `**` need them, and standard change classes (every file must match a class's paths). For classes alone, a PR of
 * more than MAX_STANDARD_CHANGE_FILES files or a partial list means "no class matches" (null): the PR then needs a
 * ticket of its own, which is the fail-closed answer, so it is no error. GitHub not answering is an error (retried).
 */
async function changedFilesFor(input: {
  config: ChangeControlConfig;
  read: FoundPullRequest;
  octokit: RestClient;
}): Promise<ChangedFile[] | null> {
  const { config, read, octokit } = input;
  const { owner, repo, number } = read.facts;
  const listing = () => readChangedFiles({ octokit, owner, repo, number, expected: read.changedFilesCount });
  if (config.approval.rules.some((rule) => !coversEveryPath(rule)) || config.opa.decisions.length > 0) return listing();
  if (config.standard_changes.length === 0 || config.ticket.provider === 'none') return null;
  if (read.changedFilesCount > MAX_STANDARD_CHANGE_FILES) return null;
  try {
    return await listing();
  } catch (error) {
    // A partial list: no class can be proven to match, so the PR is judged as a normal change (the report says why no
    // class matched). GitHub failing to answer (5xx, rate limit) is not an answer: the evaluation is an `error`,
    // retried, rather than a Dependabot PR failing for want of a ticket of its own.
    if (error instanceof PartialFileListError) return null;
    throw error;
  }
}

/**
 * `approval.keep_on_rebase`: the patches of the head and of each earlier approved head against their merge bases
 * with the base branch, one REST comparison each. None when the option is off or every approval covers the head.
 */
async function rebasedPatches(input: {
  config: ChangeControlConfig;
  facts: Pick<PullRequestFacts, 'commits' | 'reviews' | 'headSha' | 'cleanBaseMerges'>;
  base: string;
  compare: CompareCommits;
}): Promise<PatchFact[]> {
  const { config, facts, base, compare } = input;
  const heads = approvedHeadsToCompare({ config: config.approval, pr: facts });
  if (heads.length === 0) return [];
  return Promise.all([facts.headSha, ...heads].map((head) => readPatchFact({ compare, base, head })));
}

/**
 * What the heads' merge bases are taken with: the base branch; once the PR is merged (the merge evidence), the base
 * branch as it was before the merge, since the base branch now holds the head (its patch would be empty: stale).
 */
function comparedBase(read: FoundPullRequest): string {
  return read.merge?.merged === true && read.merge.baseSha !== null ? read.merge.baseSha : read.facts.baseRef;
}

/**
 * Step 2, gather: what the policy needs besides the read facts (pushers, changed files, clean base merges,
 * tickets, team members), in parallel, then the OPA decisions the policy names. Never throws: whatever went
 * wrong becomes error grounds, so an exception can never leave an older success standing.
 */
export async function gatherFacts(input: {
  found: Exclude<ReadResult, { kind: 'skipped' }>;
  octokit: RestClient;
  deps: AppDeps;
  /** Ask the ticket provider again instead of reusing a cached answer (`/change-control recheck`). */
  reread?: boolean;
  /** `ticket.create` could not create the PR's ticket: the verdict is `error` with this reason. */
  creation?: CreationFailure | null;
}): Promise<Gathered> {
  const { found, octokit, deps } = input;
  const { read } = found;
  if (found.kind === 'invalid-policy') {
    const { source } = found;
    const grounds: ErrorGrounds = {
      kind: 'error',
      pullRequest: pullRequestRef(read.facts),
      policy: source,
      errors: found.errors,
      nextStep: `Fix ${source.repo}:${source.path} on its default branch.`,
      now: deps.now(),
    };
    return { kind: 'error', read, config: null, facts: read.facts, grounds, retryable: null };
  }
  const { config, policy, floor } = found;
  try {
    const { creation } = input;
    if (creation) throw new EvaluationError(creation.message, creation.nextStep, creation.retryable);
    const reread = input.reread ?? false;
    const completing = completeFacts(read, config, octokit, deps);
    // A standard change class decides which ticket to read: its standing ticket, once the facts say it matches.
    const ticketLookup =
      config.standard_changes.length > 0
        ? completing.then((complete) => lookupTickets({ config, read, pr: read.facts, deps, reread, standard: complete }))
        : lookupTickets({ config, read, pr: read.facts, deps, reread });
    const [facts, ticket, teamMembers] = await Promise.all([completing, ticketLookup, readTeams(config, read.facts, octokit)]);
    const now = deps.now();
    const controlGrounds = {
      config,
      policy,
      ticketSearch: ticket.search,
      ticketLookups: ticket.lookups,
      people: ticket.people,
      teamMembers,
      floor,
      now,
    };
    // OPA last: its input holds the complete facts and the built-in controls' outcomes over them.
    const opaDecisions = await askOpa({ grounds: { ...controlGrounds, pr: facts }, deps });
    const grounds: FactGrounds = { kind: 'facts', ...controlGrounds, pr: facts, opaDecisions };
    return { kind: 'complete', read, config, facts, grounds };
  } catch (error) {
    const known = error instanceof EvaluationError;
    const errors = [known ? error.message : `evaluation failed: ${error instanceof Error ? error.message : String(error)}`];
    const nextStep = known ? error.nextStep : 'Re-run the Change control check; if it persists, see the app logs.';
    // Unknown errors come from GitHub reads (changed files, teams, merges): worth a retry, like Jira's.
    const retryable = !known || error.retryable ? errors.join('; ') : null;
    const grounds: ErrorGrounds = { kind: 'error', pullRequest: pullRequestRef(read.facts), policy, errors, nextStep, now: deps.now() };
    return { kind: 'error', read, config, facts: read.facts, grounds, retryable };
  }
}
