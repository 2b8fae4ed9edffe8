import { z } from 'zod';
import type { RestClient } from './rest-client.js';

/** The part of Octokit's RequestError we read (the class is not a dependency of ours). */
const HttpError = z.object({ status: z.number() });

/** Where a deployment protection rule's answer goes: the run id is in GitHub's callback URL. */
export function runIdOf(callbackUrl: string): number | null {
  const match = /\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(new URL(callbackUrl).pathname);
  return match?.[1] ? Number(match[1]) : null;
}

/**
 * Answers GitHub for the environment (`POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`).
 * A 422 means the run no longer waits on this rule (already reviewed, e.g. a redelivery, or cancelled): not an error.
 */
export async function reviewDeployment(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}): Promise<'answered' | 'already-reviewed'> {
  const { octokit, owner, repo, runId, environment, state, comment } = input;
  try {
    await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
      owner,
      repo,
      run_id: runId,
      environment_name: environment,
      state,
      comment,
    });
    return 'answered';
  } catch (error) {
    if (HttpError.safeParse(error).data?.status === 422) return 'already-reviewed';
    throw error;
  }
}
