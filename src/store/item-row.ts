import { mergeRequests, parseStoredRequest, workKey, type WorkRequest } from './work-request.js';

/** One row of `queue_items` (both databases use these column names). */
export interface ItemRow {
  key: string;
  installation_id: number;
  /** JSON WorkRequest waiting to run, or null. */
  pending: string | null;
  /** JSON WorkRequest in flight under the lease, or null. */
  running: string | null;
  lease_owner: string | null;
  lease_until_ms: number | null;
  /** Claims since the last success (1 while the first try runs). */
  attempts: number;
  next_at_ms: number;
  /** When the oldest event in the row was queued. */
  enqueued_ms: number;
  /** When the oldest event in `pending` was queued. */
  pending_since_ms: number | null;
  last_error: string | null;
}

export const ITEM_COLUMNS = [
  'key',
  'installation_id',
  'pending',
  'running',
  'lease_owner',
  'lease_until_ms',
  'attempts',
  'next_at_ms',
  'enqueued_ms',
  'pending_since_ms',
  'last_error',
] as const;

/** Numbers come back from PostgreSQL bigint columns as strings. */
export function normaliseRow(raw: Record<string, unknown>): ItemRow {
  const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
  return {
    key: String(raw.key),
    installation_id: Number(raw.installation_id),
    pending: (raw.pending as string | null) ?? null,
    running: (raw.running as string | null) ?? null,
    lease_owner: (raw.lease_owner as string | null) ?? null,
    lease_until_ms: num(raw.lease_until_ms),
    attempts: Number(raw.attempts),
    next_at_ms: Number(raw.next_at_ms),
    enqueued_ms: Number(raw.enqueued_ms),
    pending_since_ms: num(raw.pending_since_ms),
    last_error: (raw.last_error as string | null) ?? null,
  };
}

const merged = (earlier: string | null, later: WorkRequest | string | null): string | null => {
  const next = typeof later === 'string' ? parseStoredRequest(later) : later;
  if (earlier === null) return next === null ? null : JSON.stringify(next);
  if (next === null) return earlier;
  return JSON.stringify(mergeRequests(parseStoredRequest(earlier), next));
};

/** Queues `request`: a new row, or merged into the row's waiting request (a new event makes it ready now). */
export function enqueueInto(row: ItemRow | undefined, request: WorkRequest, now: number): { row: ItemRow; coalesced: boolean } {
  if (!row) {
    const fresh: ItemRow = {
      key: workKey(request),
      installation_id: request.installationId,
      pending: JSON.stringify(request),
      running: null,
      lease_owner: null,
      lease_until_ms: null,
      attempts: 0,
      next_at_ms: now,
      enqueued_ms: now,
      pending_since_ms: now,
      last_error: null,
    };
    return { row: fresh, coalesced: false };
  }
  return {
    row: {
      ...row,
      installation_id: request.installationId,
      pending: merged(row.pending, request),
      pending_since_ms: row.pending_since_ms ?? now,
      // New facts deserve a try now, even while a failed attempt waits for its retry (the attempt count stays).
      // A follow-up waiting out its delay keeps it: that delay is what gathers the rest of a burst.
      next_at_ms: row.running === null && row.last_error !== null ? Math.min(row.next_at_ms, now) : row.next_at_ms,
    },
    coalesced: true,
  };
}

/**
 * Why the row cannot be used (its stored requests do not parse: a bad write, a manual edit, an older app's
 * format), or null when it can. Such a row is moved to `queue_dead_letters` rather than failing every claim.
 */
export function poisonOf(row: ItemRow): string | null {
  for (const [column, json] of [
    ['pending', row.pending],
    ['running', row.running],
  ] as const) {
    if (json === null) continue;
    try {
      parseStoredRequest(json);
    } catch (error) {
      return `${column} cannot be parsed: ${(error instanceof Error ? error.message : String(error)).slice(0, 500)}`;
    }
  }
  return null;
}

/** A row moved aside: which PR's work it was, and why. */
export interface DeadLetter {
  key: string;
  error: string;
}

/** A row a worker may take: waiting and ready, or in flight under a lease that expired (its process died). */
export function isClaimable(row: ItemRow, now: number): boolean {
  if (row.next_at_ms > now) return false;
  if (row.lease_until_ms !== null) return row.lease_until_ms < now;
  return row.pending !== null;
}

/** Takes the row under a lease: what was in flight (a dead process's) and what waits run as one. */
export function claimRow(row: ItemRow, owner: string, now: number, leaseMs: number): ItemRow {
  return {
    ...row,
    running: merged(row.running, row.pending),
    pending: null,
    pending_since_ms: null,
    lease_owner: owner,
    lease_until_ms: now + leaseMs,
    attempts: row.attempts + 1,
  };
}

/**
 * Done: null deletes the row. With events that came meanwhile, their one follow-up is ready after
 * `followUpDelayMs`, so the rest of a burst (30 check runs finishing together) joins it instead of causing
 * a third evaluation.
 */
export function completeRow(row: ItemRow, now: number, followUpDelayMs = 0): ItemRow | null {
  if (row.pending === null) return null;
  return {
    ...row,
    running: null,
    lease_owner: null,
    lease_until_ms: null,
    attempts: 0,
    next_at_ms: now + followUpDelayMs,
    enqueued_ms: row.pending_since_ms ?? now,
    last_error: null,
  };
}

/** Back to waiting (merged with anything newer) until `retryAt`; `countAttempt` false for a shutdown release. */
export function requeueRow(row: ItemRow, input: { retryAt: number; error: string | null; countAttempt: boolean }): ItemRow {
  return {
    ...row,
    pending: merged(row.running, row.pending),
    pending_since_ms: row.enqueued_ms,
    running: null,
    lease_owner: null,
    lease_until_ms: null,
    attempts: input.countAttempt ? row.attempts : Math.max(0, row.attempts - 1),
    next_at_ms: input.retryAt,
    last_error: input.error ?? row.last_error,
  };
}
