import type { Logger } from 'probot';
import { publishStatusOnly, publishVerdict, type PublishResult } from '../github/publish-verdict.js';
import type { RestClient } from '../github/rest-client.js';
import { decide } from '../policy/decide.js';
import type { Verdict } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';
import { assessPullRequest, type Assessment } from './assess-pull-request.js';
import { indexTicketKeys } from './index-ticket-keys.js';
import { recordVerdict } from './record-verdict.js';

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
  /** The installation the event came from: keeps the ticket key → PR index (src/app/index-ticket-keys.ts). */
  installationId?: number | null;
}

/** GitHub could not be read: post `error` on the head the event named (never leave an older success standing). */
async function publishReadFailure(input: EvaluateInput, error: unknown): Promise<EvaluationOutcome> {
  const { octokit, deps, owner, repo, number } = input;
  input.log.error({ err: error, pr: `${owner}/${repo}#${number}` }, 'reading pull request facts failed');
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
  const publish = await publishStatusOnly({ octokit, verdict });
  await recordVerdict({ deps, octokit, log: input.log, verdict, facts: null, configError: false, publish, deliveryId: input.deliveryId });
  return { kind: 'published', verdict, publish, retryable: errors.join('; ') };
}

/**
 * Evaluates one open pull request, publishes the verdict (status and check run, written only when they
 * changed) and records it in the audit store when it differs from the last recorded one. The queue worker is
 * its only caller: the queue's lease runs the evaluations of one PR one at a time, across replicas too.
 */
export async function evaluatePullRequest(input: EvaluateInput): Promise<EvaluationOutcome> {
  const { octokit, log, deps, owner, repo, number } = input;
  let assessment: Assessment;
  try {
    assessment = await assessPullRequest({ octokit, deps, owner, repo, number });
  } catch (error) {
    return publishReadFailure(input, error);
  }
  if (assessment.kind === 'skipped') {
    log.info({ pr: `${owner}/${repo}#${number}`, reason: assessment.reason }, 'pull request not evaluated');
    return assessment;
  }
  const { read, verdict, config } = assessment;
  const publish = await publishVerdict({ octokit, verdict, published: read.published, force: input.force ?? 'none' });
  await recordVerdict({
    deps,
    octokit,
    log,
    verdict,
    facts: assessment.facts,
    configError: config === null,
    publish,
    deliveryId: input.deliveryId,
  });
  await indexTicketKeys({ deps, log, verdict, installationId: input.installationId });
  log.info({ pr: `${owner}/${repo}#${number}`, headSha: read.facts.headSha, state: verdict.state, publish }, 'pull request evaluated');
  return { kind: 'published', verdict, publish, ...(assessment.retryable === null ? {} : { retryable: assessment.retryable }) };
}
