import type { Logger } from 'probot';
import { coalescedEvents, webhooksDuplicate } from '../observability/metrics.js';
import type { AcceptResult } from '../store/queue-store.js';
import type { WorkRequest } from '../store/work-request.js';
import type { AppDeps } from '../evaluation/app-deps.js';

/**
 * Records the delivery and queues its work in one transaction, then returns: the webhook is answered
 * without waiting for GitHub (GitHub gives up after 10 s). A redelivery (same delivery id) queues nothing.
 */
export async function acceptWork(input: {
  deps: AppDeps;
  delivery: { id: string; name: string; log: Logger };
  requests: WorkRequest[];
}): Promise<AcceptResult> {
  const { deps, delivery } = input;
  const result = await deps.queue.accept({ deliveryId: delivery.id, event: delivery.name, requests: input.requests, now: Date.now() });
  if (result.duplicate) {
    webhooksDuplicate.inc();
    delivery.log.info({ deliveryId: delivery.id }, 'redelivery dropped: this delivery was already queued');
    return result;
  }
  if (result.coalesced > 0) coalescedEvents.inc(result.coalesced);
  return result;
}
