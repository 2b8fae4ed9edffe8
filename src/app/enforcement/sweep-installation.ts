import { z } from 'zod';
import type { QueueStore } from '../../store/queue-store.js';
import type { WorkResult } from '../../queue/worker.js';
import type { WorkRequest } from '../../store/work-request.js';
import type { RestClient } from '../../github/rest-client.js';

type SweepWork = Extract<WorkRequest, { kind: 'installation-sweep' }>;

/** The fields we use of GitHub's `repository` in `GET /installation/repositories`. */
const Repositories = z.array(z.object({ name: z.string(), archived: z.boolean().optional(), owner: z.object({ login: z.string() }) }));

/**
 * Queues an `enforcement` check for every repository the installation can see (`GET /installation/repositories`,
 * one read per 100 repositories). Each check is its own queue item: one that fails is retried alone.
 */
export async function sweepInstallation(input: { octokit: RestClient; queue: QueueStore; request: SweepWork }): Promise<WorkResult> {
  const { request } = input;
  const repositories = Repositories.parse(await input.octokit.paginate('GET /installation/repositories', { per_page: 100 }));
  const checks: WorkRequest[] = repositories
    // An archived repository cannot be changed: nothing to gate.
    .filter((r) => r.archived !== true)
    .map((r) => ({
      kind: 'enforcement',
      installationId: request.installationId,
      owner: r.owner.login,
      repo: r.name,
      deliveryIds: request.deliveryIds,
      force: 'none',
      statusWrites: [],
      trigger: request.trigger,
    }));
  if (checks.length > 0) await input.queue.enqueue(checks, Date.now());
  return { kind: 'done', outcome: checks.length > 0 ? 'dispatched' : 'skipped' };
}
