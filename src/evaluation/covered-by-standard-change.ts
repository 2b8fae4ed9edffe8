import { readChangedFiles } from '../github/read-changed-files.js';
import type { FoundPullRequest } from '../github/read-pull-request-facts.js';
import type { RestClient } from '../github/rest-client.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';
import { matchStandardChange, MAX_STANDARD_CHANGE_FILES } from '../policy/match-standard-change.js';
import type { AppDeps } from './app-deps.js';
import { readPushers } from './read-pushers.js';

/**
 * Whether a standard change class covers the PR, asked before `ticket.create` makes a ticket for it: a covered PR is
 * judged by the class's standing ticket, so a ticket of its own would be one per dependency update for nothing.
 * The same pure matching as the decision, over the same facts (who pushed, the changed files); merge commits are not
 * checked for being clean base merges here, so in doubt a ticket is created (never a PR passed without one).
 */
export async function coveredByStandardChange(input: {
  config: ChangeControlConfig;
  read: FoundPullRequest;
  octokit: RestClient;
  deps: AppDeps;
}): Promise<boolean> {
  const { config, read, octokit, deps } = input;
  if (config.standard_changes.length === 0 || config.ticket.provider === 'none') return false;
  if (read.changedFilesCount > MAX_STANDARD_CHANGE_FILES) return false;
  const { owner, repo, number } = read.facts;
  const [pushers, changedFiles] = await Promise.all([
    readPushers({ deps, owner, repo, number }),
    // A list GitHub does not give covers nothing: the ticket is created, as without a class.
    readChangedFiles({ octokit, owner, repo, number, expected: read.changedFilesCount }).catch(() => null),
  ]);
  const pr = { ...read.facts, pushers, changedFiles, cleanBaseMerges: [] };
  return matchStandardChange({ classes: config.standard_changes, pr, policyApprovalCount: config.approval.count }).matched !== null;
}
