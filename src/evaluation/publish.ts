import { publishStatusOnly, publishVerdict, type PublishResult } from '../github/publish-verdict.js';
import type { PublishedState } from '../github/read-pull-request-facts.js';
import type { RestClient } from '../github/rest-client.js';
import type { Verdict } from '../policy/verdict.js';

/**
 * Step 4, publish: the `change-control` status and the `Change control` check run, each written only when
 * it changed (unless `force`). Without what is already published (GitHub could not be read) only the status
 * is posted: it is what branch protection reads, and a check run needs the published state to update in place.
 */
export async function publishOutcome(input: {
  octokit: RestClient;
  verdict: Verdict;
  published: PublishedState | null;
  force: 'none' | 'status' | 'all';
}): Promise<PublishResult> {
  const { octokit, verdict, published, force } = input;
  if (published === null) return publishStatusOnly({ octokit, verdict });
  return publishVerdict({ octokit, verdict, published, force });
}
