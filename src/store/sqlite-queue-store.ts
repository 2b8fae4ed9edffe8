import type Database from 'better-sqlite3';
import {
  claimRow,
  completeRow,
  enqueueInto,
  isClaimable,
  ITEM_COLUMNS,
  normaliseRow,
  poisonOf,
  requeueRow,
  type DeadLetter,
  type ItemRow,
} from './item-row.js';
import { groupCommit } from './group-commit.js';
import type { AcceptResult, QueueStore } from './queue-store.js';
import { parseStoredRequest, workKey, type WorkRequest } from './work-request.js';

type AcceptInput = Parameters<QueueStore['accept']>[0];

const PUT_SQL = `INSERT INTO queue_items (${ITEM_COLUMNS.join(', ')}) VALUES (${ITEM_COLUMNS.map((c) => `@${c}`).join(', ')})
  ON CONFLICT (key) DO UPDATE SET ${ITEM_COLUMNS.filter((c) => c !== 'key')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/**
 * The queue on the audit store's SQLite connection. Every operation is one IMMEDIATE transaction: it takes
 * the write lock before reading, so processes sharing the file claim and merge one after the other.
 */
export function createSqliteQueueStore(db: Database.Database): QueueStore {
  const get = db.prepare('SELECT * FROM queue_items WHERE key = ?');
  const put = db.prepare(PUT_SQL);
  const remove = db.prepare('DELETE FROM queue_items WHERE key = ?');
  const insertDelivery = db.prepare(
    'INSERT INTO queue_deliveries (delivery_id, event, received_ms) VALUES (?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING',
  );
  // Ready rows first by when they became ready; the lease condition is re-checked on the row itself.
  const candidates = db.prepare(
    'SELECT * FROM queue_items WHERE next_at_ms <= ? AND (lease_until_ms IS NULL OR lease_until_ms < ?) ORDER BY next_at_ms, enqueued_ms LIMIT 20',
  );
  const statsQuery = db.prepare(
    'SELECT count(*) AS depth, min(enqueued_ms) AS oldest, coalesce(sum(CASE WHEN running IS NULL AND last_error IS NOT NULL THEN 1 ELSE 0 END), 0) AS retrying FROM queue_items',
  );
  const prune = db.prepare('DELETE FROM queue_deliveries WHERE received_ms < ?');
  const insertDeadLetter = db.prepare('INSERT INTO queue_dead_letters (key, row, error, moved_ms) VALUES (?, ?, ?, ?)');
  const deadLetterCount = db.prepare('SELECT count(*) AS n FROM queue_dead_letters').pluck();
  /** Moves the row aside, whole, with why: nothing is lost, and it no longer blocks the queue. */
  const moveAside = (row: ItemRow, error: string, now: number): DeadLetter => {
    insertDeadLetter.run(row.key, JSON.stringify(row), error, now);
    remove.run(row.key);
    return { key: row.key, error };
  };

  const read = (key: string): ItemRow | undefined => {
    const raw = get.get(key) as Record<string, unknown> | undefined;
    return raw ? normaliseRow(raw) : undefined;
  };
  const enqueueAll = (requests: WorkRequest[], now: number): number => {
    let coalesced = 0;
    for (const request of requests) {
      let existing = read(workKey(request));
      const poison = existing ? poisonOf(existing) : null;
      // A new event for a PR whose row is unreadable starts afresh; the old row is kept in the dead letters.
      if (existing && poison) {
        moveAside(existing, poison, now);
        existing = undefined;
      }
      const next = enqueueInto(existing, request, now);
      put.run(next.row);
      if (next.coalesced) coalesced += 1;
    }
    return coalesced;
  };
  /** Applies `change` to the row if `owner` still holds its lease (a lost lease changes nothing). */
  const withLease = (key: string, owner: string, change: (row: ItemRow) => ItemRow | null): void => {
    const row = read(key);
    if (!row || row.lease_owner !== owner) return;
    const next = change(row);
    if (next === null) remove.run(key);
    else put.run(next);
  };

  const acceptOne = (input: AcceptInput): AcceptResult => {
    if (insertDelivery.run(input.deliveryId, input.event, input.now).changes === 0) return { duplicate: true, coalesced: 0 };
    return { duplicate: false, coalesced: enqueueAll(input.requests, input.now) };
  };
  const acceptAll = db.transaction((inputs: AcceptInput[]) => inputs.map(acceptOne));
  const accept = groupCommit((inputs: AcceptInput[]) => acceptAll.immediate(inputs));
  const enqueue = db.transaction(enqueueAll);
  const claim = db.transaction((input: { owner: string; now: number; leaseMs: number }) => {
    const dead: DeadLetter[] = [];
    const rows = (candidates.all(input.now, input.now) as Record<string, unknown>[]).map(normaliseRow);
    for (const row of rows) {
      if (!isClaimable(row, input.now)) continue;
      const poison = poisonOf(row);
      if (poison) {
        dead.push(moveAside(row, poison, input.now));
        continue;
      }
      const claimed = claimRow(row, input.owner, input.now, input.leaseMs);
      put.run(claimed);
      return { claimed, dead };
    }
    return { claimed: null, dead };
  });
  const change = db.transaction(withLease);

  return {
    accept,
    enqueue: async (requests, now) => enqueue.immediate(requests, now),
    claim: async (input) => {
      const { claimed: row, dead } = claim.immediate(input);
      for (const letter of dead) input.onDeadLetter?.(letter);
      return (
        row && { key: row.key, request: parseStoredRequest(row.running ?? 'null'), attempts: row.attempts, enqueuedAt: row.enqueued_ms }
      );
    },
    renew: async ({ key, owner, now, leaseMs }) =>
      db.prepare('UPDATE queue_items SET lease_until_ms = ? WHERE key = ? AND lease_owner = ?').run(now + leaseMs, key, owner).changes > 0,
    complete: async ({ key, owner, now, followUpDelayMs }) => change.immediate(key, owner, (row) => completeRow(row, now, followUpDelayMs)),
    fail: async ({ key, owner, retryAt, error }) =>
      change.immediate(key, owner, (row) => requeueRow(row, { retryAt, error, countAttempt: true })),
    release: async ({ key, owner, now }) =>
      change.immediate(key, owner, (row) => requeueRow(row, { retryAt: now, error: null, countAttempt: false })),
    stats: async () => {
      const s = statsQuery.get() as { depth: number; oldest: number | null; retrying: number };
      return { depth: s.depth, oldestEnqueuedAt: s.oldest, retrying: s.retrying, deadLetters: Number(deadLetterCount.get()) };
    },
    pruneDeliveries: async (before) => prune.run(before).changes,
  };
}
