import type { Logger } from 'probot';
import type { PublishResult } from '../github/publish-verdict.js';
import type { RestClient } from '../github/rest-client.js';
import { decide } from '../policy/decide.js';
import type { Verdict } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';
import { decideVerdict } from './decide.js';
import { ensureCreatedTicket, type CreationFailure } from './ensure-created-ticket.js';
import { gatherFacts } from './gather.js';
import { publishOutcome } from './publish.js';
import { readPullRequest, type ReadResult } from './read.js';
import { UnreadableFactError } from '../github/unreadable-fact-error.js';
import { recordOutcome } from './record.js';

export type { AppDeps } from './app-deps.js';

export type EvaluationOutcome =
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'published';
      verdict: Verdict;
      publish: PublishResult;
      /** The verdict is `error` for a reason that may clear by itself (GitHub or Jira failing): evaluate again later. */
      retryable?: string;
    };

export interface EvaluateInput {
  octokit: RestClient;
  log: Logger;
  deps: AppDeps;
  owner: string;
  repo: string;
  number: number;
  /** The head SHA the event named: where an `error` status goes if GitHub cannot be read. */
  headSha: string | null;
  /** The webhook delivery that caused this evaluation (audit evidence). */
  deliveryId: string | null;
  force?: 'none' | 'status' | 'all';
  /** Read everything afresh, bypassing the policy and ticket caches (`/change-control recheck`). */
  reread?: boolean;
  /** The installation the event came from: keeps the ticket key → PR index (src/app/index-ticket-keys.ts). */
  installationId?: number | null;
}

/** GitHub could not be read: post `error` on the head the event named (never leave an older success standing). */
async function publishReadFailure(input: EvaluateInput, error: unknown): Promise<EvaluationOutcome> {
  const { octokit, log, deps, owner, repo, number } = input;
  log.error({ err: error, pr: `${owner}/${repo}#${number}` }, 'reading pull request facts failed');
  if (input.headSha === null) throw error;
  const errors = [`GitHub could not be read: ${error instanceof Error ? error.message : String(error)}`];
  const verdict = decide({
    grounds: {
      kind: 'error',
      pullRequest: { owner, repo, number, headSha: input.headSha, url: `${owner}/${repo}#${number}` },
      policy: null,
      errors,
      nextStep: 'Re-run the Change control check; if it persists, see the app logs.',
      now: deps.now(),
    },
  });
  const publish = await publishOutcome({ octokit, verdict, published: null, force: 'none' });
  const { deliveryId, installationId } = input;
  await recordOutcome({ deps, octokit, log, verdict, facts: null, configError: false, publish, deliveryId, installationId });
  // A fact GitHub can never give (more than 100 co-authors…) is not asked for again until a new event.
  if (error instanceof UnreadableFactError) return { kind: 'published', verdict, publish };
  return { kind: 'published', verdict, publish, retryable: errors.join('; ') };
}

/**
 * `ticket.create`: the PR's created ticket, made (once) before the facts are gathered, so the lookup finds it. A
 * store that cannot be read is a failure to create, never "no ticket needed".
 */
async function createdTicketStep(input: EvaluateInput, found: Extract<ReadResult, { kind: 'read' }>): Promise<CreationFailure | null> {
  const { octokit, log, deps, deliveryId } = input;
  try {
    return await ensureCreatedTicket({ config: found.config, read: found.read, octokit, deps, log, deliveryId });
  } catch (error) {
    log.error({ err: error, pr: `${input.owner}/${input.repo}#${input.number}` }, 'created ticket step failed');
    const message = `could not create the change ticket: ${error instanceof Error ? error.message : String(error)}`;
    return { message, nextStep: 'The check is retried; if it persists, see the app logs.', retryable: true };
  }
}

/**
 * What happens to a pull request: read -> (create its ticket) -> gather -> decide -> publish -> record. The status and check run are
 * written only when they changed; the audit store records the verdict when it differs from the last recorded
 * one. The queue worker is its only caller: the queue's lease runs the evaluations of one PR one at a time,
 * across replicas too.
 */
export async function evaluatePullRequest(input: EvaluateInput): Promise<EvaluationOutcome> {
  const { octokit, log, deps, owner, repo, number } = input;
  let found: ReadResult;
  try {
    found = await readPullRequest({ octokit, deps, owner, repo, number, reread: input.reread });
  } catch (error) {
    return publishReadFailure(input, error);
  }
  if (found.kind === 'skipped') {
    log.info({ pr: `${owner}/${repo}#${number}`, reason: found.reason }, 'pull request not evaluated');
    return found;
  }
  const creation = found.kind === 'read' ? await createdTicketStep(input, found) : null;
  const gathered = await gatherFacts({ found, octokit, deps, reread: input.reread, creation });
  const verdict = await decideVerdict({ gathered, deps });
  const publish = await publishOutcome({ octokit, verdict, published: found.read.published, force: input.force ?? 'none' });
  const { facts, config } = gathered;
  const { deliveryId, installationId } = input;
  await recordOutcome({ deps, octokit, log, verdict, facts, configError: config === null, publish, deliveryId, installationId });
  log.info({ pr: `${owner}/${repo}#${number}`, headSha: facts.headSha, state: verdict.state, publish }, 'pull request evaluated');
  const retryable = gathered.kind === 'error' ? gathered.retryable : null;
  return { kind: 'published', verdict, publish, ...(retryable === null ? {} : { retryable }) };
}
