import type { AppliedFloor, PolicySource, Verdict } from '../policy/verdict.js';
import { CHECK_RUN_NAME, STATUS_CONTEXT } from './names.js';
import { checkRunOutcome } from './check-run-outcome.js';
import { renderReport } from './render-report.js';

/**
 * What the app would post for a verdict, as a dry run answers it (`change-control evaluate`, `POST
 * /api/v1/simulate`): the `change-control` status and the `Change control` check run, byte for byte as
 * publish-verdict.ts writes them, with the policy that decided. Nothing of it is written.
 */
export interface DryRunReport {
  /** Always true: the pull request was evaluated (a {@link NotEvaluated} answer says why it was not). */
  evaluated: true;
  pullRequest: { repository: string; number: number; headSha: string; url: string };
  /** The verdict's state: `error` is posted as a `failure` conclusion on the check run but as `error` on the status. */
  state: Verdict['state'];
  status: { context: string; state: Verdict['state']; description: string };
  checkRun: {
    name: string;
    status: 'in_progress' | 'completed';
    conclusion: 'success' | 'failure' | null;
    output: { title: string; summary: string; text: string };
  };
  /** The policy file that applied (a candidate: as it would be on the default branch); null when none could be read. */
  policy: PolicySource | null;
  /** True when the policy was the candidate given to the dry run, not the one on the default branch. */
  candidate: boolean;
  floor: AppliedFloor | null;
  evaluatedAt: string;
}

export function dryRunReport(verdict: Verdict, options: { candidate: boolean }): DryRunReport {
  const { owner, repo, number, headSha, url } = verdict.pullRequest;
  return {
    evaluated: true,
    pullRequest: { repository: `${owner}/${repo}`, number, headSha, url },
    state: verdict.state,
    status: { context: STATUS_CONTEXT, state: verdict.state, description: verdict.description },
    checkRun: { name: CHECK_RUN_NAME, ...checkRunOutcome(verdict), output: renderReport(verdict) },
    policy: verdict.policy,
    candidate: options.candidate,
    floor: verdict.state === 'error' ? null : (verdict.floor ?? null),
    evaluatedAt: verdict.evaluatedAt,
  };
}

/** The app would not evaluate the pull request (no policy, a branch not under control, closed): why. */
export interface NotEvaluated {
  evaluated: false;
  reason: string;
}

/**
 * What a dry run found: the report the app would post; a pull request it would not evaluate; or a request it
 * cannot answer (`invalid-policy`: the candidate, each error with its line; `not-found`: no such repository or
 * pull request; `no-installation`: the app is not installed on the repository).
 */
export type DryRunOutcome =
  | { kind: 'report'; report: DryRunReport }
  | { kind: 'not-evaluated'; answer: NotEvaluated }
  | { kind: 'refused'; problem: 'invalid-policy' | 'not-found' | 'no-installation'; message: string; errors: string[] };
