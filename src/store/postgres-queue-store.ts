import type { SqlDatabase, SqlQueryable } from './sql-database.js';
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
import type { QueueStore } from './queue-store.js';
import { parseStoredRequest, workKey, type WorkRequest } from './work-request.js';

const PUT_SQL = `INSERT INTO queue_items (${ITEM_COLUMNS.join(', ')}) VALUES (${ITEM_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (key) DO UPDATE SET ${ITEM_COLUMNS.filter((c) => c !== 'key')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/**
 * Claim: the first ready row nobody holds. FOR UPDATE SKIP LOCKED lets replicas claim different rows at
 * once without waiting on each other; the row lock lasts only the claim's transaction, the lease after it.
 */
const CLAIM_SQL = `SELECT * FROM queue_items
  WHERE next_at_ms <= $1 AND ((lease_until_ms IS NULL AND pending IS NOT NULL) OR lease_until_ms < $1)
  ORDER BY next_at_ms, enqueued_ms LIMIT 1 FOR UPDATE SKIP LOCKED`;

async function put(tx: SqlQueryable, row: ItemRow): Promise<void> {
  await tx.query(
    PUT_SQL,
    ITEM_COLUMNS.map((c) => row[c]),
  );
}

/** Locks and reads one row (FOR UPDATE: a concurrent enqueue or claim of the same PR waits for us). */
async function lockRow(tx: SqlQueryable, key: string): Promise<ItemRow | undefined> {
  const { rows } = await tx.query<Record<string, unknown>>('SELECT * FROM queue_items WHERE key = $1 FOR UPDATE', [key]);
  return rows[0] ? normaliseRow(rows[0]) : undefined;
}

/** Moves the row aside, whole, with why: nothing is lost, and it no longer blocks the queue. */
async function moveAside(tx: SqlQueryable, row: ItemRow, error: string, now: number): Promise<DeadLetter> {
  await tx.query('INSERT INTO queue_dead_letters (key, row, error, moved_ms) VALUES ($1, $2, $3, $4)', [
    row.key,
    JSON.stringify(row),
    error,
    now,
  ]);
  await tx.query('DELETE FROM queue_items WHERE key = $1', [row.key]);
  return { key: row.key, error };
}

/** How many unreadable rows one claim moves aside before it gives up for this poll. */
const MAX_DEAD_PER_CLAIM = 20;

async function enqueueAll(tx: SqlQueryable, requests: WorkRequest[], now: number): Promise<number> {
  let coalesced = 0;
  for (const request of requests) {
    const key = workKey(request);
    // Two replicas enqueueing the first event of one PR at once: the loser of the insert then locks the winner's row.
    await tx.query(
      'INSERT INTO queue_items (key, installation_id, attempts, next_at_ms, enqueued_ms) VALUES ($1, $2, 0, $3, $3) ON CONFLICT (key) DO NOTHING',
      [key, request.installationId, now],
    );
    let row = await lockRow(tx, key);
    const poison = row && poisonOf(row);
    // A new event for a PR whose row is unreadable starts afresh; the old row is kept in the dead letters.
    if (row && poison) {
      await moveAside(tx, row, poison, now);
      await tx.query('INSERT INTO queue_items (key, installation_id, attempts, next_at_ms, enqueued_ms) VALUES ($1, $2, 0, $3, $3)', [
        key,
        request.installationId,
        now,
      ]);
      row = await lockRow(tx, key);
    }
    const fresh = row !== undefined && row.pending === null && row.running === null;
    const next = enqueueInto(fresh ? undefined : row, request, now);
    await put(tx, next.row);
    if (next.coalesced) coalesced += 1;
  }
  return coalesced;
}

/** The queue on the audit store's PostgreSQL database, shared by every replica. */
export function createPostgresQueueStore(db: SqlDatabase): QueueStore {
  const withLease = (key: string, owner: string, change: (row: ItemRow) => ItemRow | null) =>
    db.transaction(async (tx) => {
      const row = await lockRow(tx, key);
      if (!row || row.lease_owner !== owner) return;
      const next = change(row);
      if (next === null) await tx.query('DELETE FROM queue_items WHERE key = $1', [key]);
      else await put(tx, next);
    });

  return {
    accept: (input) =>
      db.transaction(async (tx) => {
        const inserted = await tx.query(
          'INSERT INTO queue_deliveries (delivery_id, event, received_ms) VALUES ($1, $2, $3) ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id',
          [input.deliveryId, input.event, input.now],
        );
        if (inserted.rows.length === 0) return { duplicate: true, coalesced: 0 };
        return { duplicate: false, coalesced: await enqueueAll(tx, input.requests, input.now) };
      }),
    enqueue: (requests, now) => db.transaction((tx) => enqueueAll(tx, requests, now)),
    claim: async ({ owner, now, leaseMs, onDeadLetter }) => {
      const dead: DeadLetter[] = [];
      const work = await db.transaction(async (tx) => {
        for (let tries = 0; tries <= MAX_DEAD_PER_CLAIM; tries++) {
          const { rows } = await tx.query<Record<string, unknown>>(CLAIM_SQL, [now]);
          const row = rows[0] ? normaliseRow(rows[0]) : undefined;
          if (!row || !isClaimable(row, now)) return null;
          const poison = poisonOf(row);
          if (poison) {
            dead.push(await moveAside(tx, row, poison, now));
            continue;
          }
          const claimed = claimRow(row, owner, now, leaseMs);
          await put(tx, claimed);
          return {
            key: claimed.key,
            request: parseStoredRequest(claimed.running ?? 'null'),
            attempts: claimed.attempts,
            enqueuedAt: claimed.enqueued_ms,
          };
        }
        return null;
      });
      for (const letter of dead) onDeadLetter?.(letter);
      return work;
    },
    renew: async ({ key, owner, now, leaseMs }) => {
      const { rows } = await db.query('UPDATE queue_items SET lease_until_ms = $1 WHERE key = $2 AND lease_owner = $3 RETURNING key', [
        now + leaseMs,
        key,
        owner,
      ]);
      return rows.length > 0;
    },
    complete: ({ key, owner, now, followUpDelayMs }) => withLease(key, owner, (row) => completeRow(row, now, followUpDelayMs)),
    fail: ({ key, owner, retryAt, error }) => withLease(key, owner, (row) => requeueRow(row, { retryAt, error, countAttempt: true })),
    release: ({ key, owner, now }) => withLease(key, owner, (row) => requeueRow(row, { retryAt: now, error: null, countAttempt: false })),
    stats: async () => {
      const { rows } = await db.query<{ depth: string; oldest: string | null; retrying: string }>(
        'SELECT count(*) AS depth, min(enqueued_ms) AS oldest, count(*) FILTER (WHERE running IS NULL AND last_error IS NOT NULL) AS retrying FROM queue_items',
      );
      const s = rows[0];
      const dead = await db.query<{ n: string }>('SELECT count(*) AS n FROM queue_dead_letters');
      return {
        depth: Number(s?.depth ?? 0),
        oldestEnqueuedAt: s?.oldest == null ? null : Number(s.oldest),
        retrying: Number(s?.retrying ?? 0),
        deadLetters: Number(dead.rows[0]?.n ?? 0),
      };
    },
    pruneDeliveries: async (before) => {
      const { rows } = await db.query('DELETE FROM queue_deliveries WHERE received_ms < $1 RETURNING delivery_id', [before]);
      return rows.length;
    },
  };
}
