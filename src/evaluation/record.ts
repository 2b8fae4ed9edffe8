import type { Logger } from 'probot';
import type { PublishResult } from '../github/publish-verdict.js';
import type { RestClient } from '../github/rest-client.js';
import type { PullRequestFacts, PullRequestReadFacts } from '../policy/facts.js';
import type { Verdict } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';
import { indexTicketKeys } from './index-ticket-keys.js';
import { recordVerdict } from './record-verdict.js';

/**
 * Step 5, record: the verdict with the facts it used and what was published goes into the audit store when it
 * changed (and the trail comment follows it), then the ticket key → PR index follows the verdict.
 */
export async function recordOutcome(input: {
  deps: AppDeps;
  octokit: RestClient;
  log: Logger;
  verdict: Verdict;
  /** Complete facts, only the read ones (a needed fact could not be had), or none (GitHub could not be read). */
  facts: PullRequestFacts | PullRequestReadFacts | null;
  /** The verdict is an error of the policy file itself (recorded as `config-error`). */
  configError: boolean;
  publish: PublishResult;
  deliveryId: string | null;
  installationId: number | null | undefined;
}): Promise<void> {
  const { deps, log, verdict, installationId } = input;
  await recordVerdict(input);
  await indexTicketKeys({ deps, log, verdict, installationId });
}
