import type { Context } from 'probot';
import { STATUS_CONTEXT } from '../../github/names.js';
import type { WorkRequest } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { installationOf } from './installation-of.js';
import { CheckRunPayload, CheckSuitePayload, parsePayload, StatusPayload } from '../payloads.js';

export const CHECK_COMPLETED_EVENTS = ['check_run.completed', 'check_suite.completed', 'status'] as const;

type CheckContext = Context<(typeof CHECK_COMPLETED_EVENTS)[number]>;

/** Work for the PRs a check names, or for the commit when it names none (GitHub leaves the list empty for forks). */
function requestsFor(input: {
  installationId: number;
  owner: string;
  repo: string;
  sha: string;
  numbers: number[];
  deliveryId: string;
}): WorkRequest[] {
  const common = {
    installationId: input.installationId,
    owner: input.owner,
    repo: input.repo,
    deliveryIds: [input.deliveryId],
    force: 'none' as const,
    statusWrites: [],
  };
  if (input.numbers.length === 0) return [{ kind: 'commit', ...common, sha: input.sha, evaluate: true }];
  return input.numbers.map((number) => ({ kind: 'pull', ...common, number, headSha: input.sha }));
}

/**
 * What the event asks for, or nothing when it is our own check output (which must not trigger us again).
 * A status event names no PR: the worker finds the PRs by SHA. A write of our own status context is queued
 * as a status write; the worker ignores ours and records and re-posts over anyone else's.
 */
function requestsOf(context: CheckContext, appId: number): WorkRequest[] {
  const installationId = installationOf(context.name, context.payload);
  if (context.name === 'status') {
    const p = parsePayload(StatusPayload, 'status', context.payload);
    const ours = p.context === STATUS_CONTEXT;
    const statusWrites = ours
      ? [{ deliveryId: context.id, login: p.sender.login, state: p.state, description: p.description ?? null }]
      : [];
    return [
      {
        kind: 'commit',
        installationId,
        owner: p.repository.owner.login,
        repo: p.repository.name,
        sha: p.sha,
        evaluate: !ours,
        deliveryIds: [context.id],
        force: 'none',
        statusWrites,
      },
    ];
  }
  const p =
    context.name === 'check_run'
      ? parsePayload(CheckRunPayload, 'check_run', context.payload)
      : parsePayload(CheckSuitePayload, 'check_suite', context.payload);
  const check = 'check_run' in p ? p.check_run : p.check_suite;
  if (check.app?.id === appId) return [];
  const numbers = check.pull_requests.filter((pr) => !pr.base || pr.base.repo.id === p.repository.id).map((pr) => pr.number);
  return requestsFor({
    installationId,
    owner: p.repository.owner.login,
    repo: p.repository.name,
    sha: check.head_sha,
    numbers,
    deliveryId: context.id,
  });
}

/** A check or status finished on a commit: queue the evaluation of each open PR whose head it is. */
export function onCheckCompleted(deps: AppDeps) {
  return async (context: CheckContext): Promise<void> => {
    const requests = requestsOf(context, deps.appId);
    if (requests.length === 0) return;
    await acceptWork({ deps, delivery: context, requests });
  };
}
