import type { ConfigFile } from '../config/config-file.js';
import { resolvePolicyCached, type PolicyFiles } from '../config/policy-cache.js';
import { resolvePolicy } from '../config/resolve-policy.js';
import type { RestClient } from '../github/rest-client.js';
import { readPullRequestFacts, type FoundPullRequest } from '../github/read-pull-request-facts.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';
import { isControlledBranch } from '../policy/is-controlled-branch.js';
import type { AppliedFloor, PolicySource } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';

/** What reading a pull request found: nothing to evaluate, a policy that cannot be parsed, or a PR under a policy. */
export type ReadResult =
  /** `missing`: the repository or the pull request was not found (or the app cannot see it). `uncontrolled`: no policy puts its base branch under control. */
  | { kind: 'skipped'; reason: string; missing?: true; uncontrolled?: true }
  | { kind: 'invalid-policy'; read: FoundPullRequest; source: PolicySource; errors: string[] }
  | { kind: 'read'; read: FoundPullRequest; config: ChangeControlConfig; policy: PolicySource; floor: AppliedFloor | null };

/** The policy files with the candidate as the repository's own (in the organisation's `.github` repository: as the organisation's). */
function withCandidate(read: FoundPullRequest, candidate: ConfigFile): PolicyFiles {
  const isOrgRepo = candidate.repo.split('/')[1]?.toLowerCase() === '.github';
  return isOrgRepo ? { repoConfig: read.repoConfig, orgConfig: candidate } : { repoConfig: candidate, orgConfig: read.orgConfig };
}

/**
 * Step 1, read: one GraphQL query for the PR's facts, its policy files (default branches only) and what we
 * already published; then the policy. Skips PRs under no policy or into branches outside it (and closed ones
 * unless `includeClosed`). Throws only when GitHub itself cannot be read.
 */
export async function readPullRequest(input: {
  octokit: RestClient;
  deps: AppDeps;
  owner: string;
  repo: string;
  number: number;
  includeClosed?: boolean;
  /** Parse the policy again instead of reusing the cached parse (`/change-control recheck`: a full re-read). */
  reread?: boolean;
  /** A dry run's candidate policy, in place of the repository's own file (under the organisation floor all the same). */
  candidate?: ConfigFile;
}): Promise<ReadResult> {
  const { octokit, deps, owner, repo, number } = input;
  const read = await readPullRequestFacts({ graphql: octokit.graphql, owner, repo, number, appId: deps.appId });
  if (!read.found) return { kind: 'skipped', reason: read.reason, missing: true };
  if (!read.open && !input.includeClosed) return { kind: 'skipped', reason: `#${number} is not open` };

  const { candidate } = input;
  const policy = candidate ? resolvePolicy(withCandidate(read, candidate)) : input.reread ? resolvePolicy(read) : resolvePolicyCached(read);
  if (policy.kind === 'none')
    return { kind: 'skipped', reason: 'no .github/change-control.yml in the repository or the organisation', uncontrolled: true };
  // The branches under control are unknown when the policy cannot be parsed: every PR is under it (fail closed).
  if (policy.kind === 'invalid') return { kind: 'invalid-policy', read, source: policy.source, errors: policy.errors };
  const controlled = isControlledBranch({
    baseRef: read.facts.baseRef,
    branches: policy.config.branches,
    defaultBranch: read.defaultBranch,
  });
  if (!controlled) return { kind: 'skipped', reason: `base branch ${read.facts.baseRef} is not under control`, uncontrolled: true };
  return { kind: 'read', read, config: policy.config, policy: policy.source, floor: policy.floor };
}
