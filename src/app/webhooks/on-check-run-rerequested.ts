import type { Context } from 'probot';
import { CHECK_RUN_NAME } from '../../github/names.js';
import type { WorkRequest } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { installationOf } from './installation-of.js';
import { CheckRunPayload, parsePayload } from '../payloads.js';

/** Someone pressed "Re-run" on our check run: queue an evaluation that writes a fresh status and check run. */
export function onCheckRunRerequested(deps: AppDeps) {
  return async (context: Context<'check_run.rerequested'>): Promise<void> => {
    const p = parsePayload(CheckRunPayload, 'check_run', context.payload);
    if (p.check_run.app?.id !== deps.appId || p.check_run.name !== CHECK_RUN_NAME) return;
    const common = {
      installationId: installationOf(context.name, context.payload),
      owner: p.repository.owner.login,
      repo: p.repository.name,
      deliveryIds: [context.id],
      force: 'all' as const,
      statusWrites: [],
    };
    const sha = p.check_run.head_sha;
    const named = p.check_run.pull_requests.filter((pr) => !pr.base || pr.base.repo.id === p.repository.id).map((pr) => pr.number);
    const requests: WorkRequest[] =
      named.length > 0
        ? named.map((number) => ({ kind: 'pull', ...common, number, headSha: sha }))
        : [{ kind: 'commit', ...common, sha, evaluate: true }];
    await acceptWork({ deps, delivery: context, requests });
  };
}
