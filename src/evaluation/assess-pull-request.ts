import type { ConfigFile } from '../config/config-file.js';
import type { RestClient } from '../github/rest-client.js';
import type { FoundPullRequest } from '../github/read-pull-request-facts.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';
import type { PullRequestFacts, PullRequestReadFacts } from '../policy/facts.js';
import type { Verdict } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';
import { decideVerdict } from './decide.js';
import { gatherFacts } from './gather.js';
import { readPullRequest } from './read.js';

export type Assessment =
  /** `missing`: the repository or the pull request was not found. `uncontrolled`: no policy puts its base branch under control. */
  | { kind: 'skipped'; reason: string; missing?: true; uncontrolled?: true }
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

/**
 * Read -> gather -> decide without publishing: what `/change-control explain`, the emergency authorisation
 * the merge evidence, the merge group's verdict and the dry run need (src/evaluation/evaluate-pull-request.ts publishes and records as well).
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
  /** A dry run's candidate policy in place of the repository's own file (src/evaluation/dry-run.ts). */
  candidate?: ConfigFile;
  /** Ask the ticket provider again instead of reusing a cached answer (a merge group judges each PR as it stands now). */
  rereadTickets?: boolean;
}): Promise<Assessment> {
  const { octokit, deps } = input;
  const found = await readPullRequest(input);
  if (found.kind === 'skipped') return found;
  const gathered = await gatherFacts({ found, octokit, deps, reread: input.rereadTickets });
  const verdict = await decideVerdict({ gathered, deps, ignoreEmergency: input.ignoreEmergency });
  const { read, facts, config } = gathered;
  return { kind: 'assessed', read, facts, config, verdict, retryable: gathered.kind === 'error' ? gathered.retryable : null };
}
