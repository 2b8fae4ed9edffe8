import { z } from 'zod';
import type { QueueStore } from '../../store/queue-store.js';
import type { WorkResult } from '../../queue/worker.js';
import type { WorkRequest } from '../../store/work-request.js';
import type { RestClient } from '../../github/rest-client.js';

type SweepWork = Extract<WorkRequest, { kind: 'reconcile-installation' }>;

/** The fields we use of GitHub's `repository` in `GET /installation/repositories`. */
const Repositories = z.array(z.object({ name: z.string(), archived: z.boolean().optional(), owner: z.object({ login: z.string() }) }));

/**
 * Queues a `reconcile` for every repository the installation can see (or only the one asked for), one read per 100
 * repositories (`GET /installation/repositories`). Each repository is its own queue item: one that fails is retried
 * alone, and only its watermark stays behind.
 */
export async function sweepReconcileInstallation(input: {
  octokit: RestClient;
  queue: QueueStore;
  request: SweepWork;
}): Promise<WorkResult> {
  const { request } = input;
  const repositories = Repositories.parse(await input.octokit.paginate('GET /installation/repositories', { per_page: 100 }));
  const sweeps: WorkRequest[] = repositories
    // An archived repository changes no more; its last sweep's watermark stands.
    .filter((r) => r.archived !== true)
    .filter((r) => request.repo === null || r.name.toLowerCase() === request.repo.toLowerCase())
    .map((r) => ({
      kind: 'reconcile',
      installationId: request.installationId,
      owner: r.owner.login,
      repo: r.name,
      deliveryIds: [],
      force: 'none',
      statusWrites: [],
      since: request.since,
    }));
  if (sweeps.length > 0) await input.queue.enqueue(sweeps, Date.now());
  return { kind: 'done', outcome: sweeps.length > 0 ? 'dispatched' : 'skipped' };
}
