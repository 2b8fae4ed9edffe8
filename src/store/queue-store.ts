import type { DeadLetter } from './item-row.js';
import type { WorkRequest } from './work-request.js';

/** A claimed item: the merged request to run, and how many times it has been claimed (1 on the first try). */
export interface ClaimedWork {
  key: string;
  request: WorkRequest;
  attempts: number;
  /** When the oldest event in it was queued (epoch ms). */
  enqueuedAt: number;
}

export interface AcceptResult {
  /** The delivery id was recorded before: nothing was queued. */
  duplicate: boolean;
  /** How many of the requests merged into work already waiting or in flight for the same PR. */
  coalesced: number;
}

export interface QueueStats {
  /** Items waiting or in flight. */
  depth: number;
  /** Epoch ms of the oldest queued event still waiting or in flight, or null when empty. */
  oldestEnqueuedAt: number | null;
  /** Items whose last attempt failed and that wait for a retry. */
  retrying: number;
  /** Rows moved to `queue_dead_letters` because they could not be parsed (each needs a look). */
  deadLetters: number;
}

/**
 * The durable work queue, in the audit database but not evidence (its own tables, migration 3). One row per
 * PR: a request waiting (`pending`) and one in flight (`running`) under a lease. An event for a PR that is
 * waiting merges into the waiting request; one for a PR in flight becomes the waiting request, so exactly
 * one follow-up runs after it. Claims are exclusive across processes sharing the database.
 */
export interface QueueStore {
  /**
   * Records the delivery and queues its requests in one transaction: a redelivery (same delivery id) queues
   * nothing, and a crash leaves either both or neither.
   */
  accept(input: { deliveryId: string; event: string; requests: WorkRequest[]; now: number }): Promise<AcceptResult>;
  /** Queues requests without a delivery (follow-ups the worker derives, e.g. PRs found for a commit). */
  enqueue(requests: WorkRequest[], now: number): Promise<number>;
  /**
   * Takes the next ready item under a lease for `owner`, or null when none is ready. A row that cannot be parsed
   * is moved to the dead letters (and reported to `onDeadLetter`) instead, and the claim goes on to the next one.
   */
  claim(input: { owner: string; now: number; leaseMs: number; onDeadLetter?: (dead: DeadLetter) => void }): Promise<ClaimedWork | null>;
  /** Extends the lease; false when the lease was lost (another process took the item over). */
  renew(input: { key: string; owner: string; now: number; leaseMs: number }): Promise<boolean>;
  /** The work is done: the row goes, unless events arrived meanwhile (then their follow-up is ready after `followUpDelayMs`). */
  complete(input: { key: string; owner: string; now: number; followUpDelayMs?: number }): Promise<void>;
  /** The work failed: it waits again (merged with anything newer) until `retryAt`. */
  fail(input: { key: string; owner: string; retryAt: number; error: string }): Promise<void>;
  /** Gives up the lease without counting a failure (graceful shutdown): ready for another process now. */
  release(input: { key: string; owner: string; now: number }): Promise<void>;
  stats(): Promise<QueueStats>;
  /** Forgets delivery ids recorded before `before` (GitHub redelivers for days, not forever). */
  pruneDeliveries(before: number): Promise<number>;
}
