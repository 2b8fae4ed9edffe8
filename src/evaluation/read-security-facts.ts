import { readCodeScanning } from '../github/read-code-scanning.js';
import { readDependencyReview } from '../github/read-dependency-review.js';
import type { RestClient } from '../github/rest-client.js';
import { SecurityUnavailableError } from '../github/security-unavailable.js';
import type { SecurityConfig } from '../policy/config-schema.js';
import type { PullRequestReadFacts } from '../policy/facts.js';
import type { SecurityFacts } from '../policy/security-facts.js';
import { EvaluationError } from './lookup-tickets.js';

/**
 * The security findings the policy asks for (`security.code_scanning`, `security.dependencies`), each read only
 * when set. A feature that is off or a permission the app lacks is an `error` naming what to enable (not retried);
 * any other failure is thrown as it is, so the evaluation is an `error` the queue retries.
 */
export async function readSecurityFacts(input: {
  security: SecurityConfig;
  facts: PullRequestReadFacts;
  octokit: RestClient;
}): Promise<SecurityFacts> {
  const { security, facts, octokit } = input;
  const { owner, repo, number, headSha, baseRef } = facts;
  try {
    const [codeScanning, dependencies] = await Promise.all([
      security.code_scanning ? readCodeScanning({ octokit, owner, repo, number, headSha, baseRef }) : null,
      security.dependencies ? readDependencyReview({ octokit, owner, repo, baseRef, headSha }) : null,
    ]);
    return { codeScanning, dependencies };
  } catch (error) {
    if (error instanceof SecurityUnavailableError) throw new EvaluationError(error.message, error.nextStep);
    throw error;
  }
}
