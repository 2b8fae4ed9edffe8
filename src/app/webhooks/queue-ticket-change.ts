import type { Logger } from 'probot';
import type { WorkRequest } from '../../store/work-request.js';
import { acceptWork } from '../accept-work.js';
import type { AppDeps } from '../../evaluation/app-deps.js';

/**
 * A ticket changed at its provider: forget this process's cached answers for it, then queue an evaluation of
 * each open PR whose last evaluation found the key (the key → PR index), in one transaction with the delivery,
 * so a redelivered Jira webhook (same identifier) queues nothing. Returns how many PRs were queued.
 */
export async function queueTicketChange(input: {
  deps: AppDeps;
  log: Logger;
  key: string;
  deliveryId: string;
  event: string;
}): Promise<number> {
  const { deps, log, key, deliveryId } = input;
  for (const source of [deps.tickets, deps.serviceNow]) if (source && 'reader' in source) source.reader.forget?.(key);
  const pulls = await deps.audit.pullRequestsForTicket(key);
  if (pulls.length === 0) return 0;
  const requests: WorkRequest[] = pulls.map((pull) => {
    const [owner = '', repo = ''] = pull.repo.split('/');
    return {
      kind: 'pull',
      installationId: pull.installationId,
      owner,
      repo,
      number: pull.prNumber,
      headSha: pull.headSha,
      deliveryIds: [deliveryId],
      force: 'none',
      statusWrites: [],
    };
  });
  const result = await acceptWork({ deps, delivery: { id: deliveryId, name: input.event, log }, requests });
  if (result.duplicate) return 0;
  log.info({ pullRequests: pulls.map((p) => `${p.repo}#${p.prNumber}`) }, 'ticket changed: the pull requests that reference it are queued');
  return pulls.length;
}
