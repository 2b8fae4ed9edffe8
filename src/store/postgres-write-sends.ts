import type { SqlDatabase } from './sql-database.js';

/** GitHub's content-creation limits for one installation, as the budget applies them (margin already taken off). */
export interface SendLimits {
  perMinute: number;
  perHour: number;
}

/** How long a send counts against each limit (GitHub's minute and hour, and the budget's allowance for transit). */
export interface SendWindows {
  minuteMs: number;
  hourMs: number;
}

/**
 * The content-creating requests sent to GitHub per installation by every replica sharing the database
 * (`github_write_sends`, migration 7): the write budget's sliding windows, shared.
 */
export interface WriteSendLog {
  /**
   * Records one send for `key` at `now` (epoch ms) and returns 0 when both windows have room for it; otherwise
   * records nothing and returns the milliseconds until the send that fills a window leaves it. Throws when the
   * database cannot be asked: the caller must not send then.
   */
  take(input: { key: string; now: number; limits: SendLimits; windows: SendWindows }): Promise<number>;
}

/**
 * Advisory lock class for the sends of one installation (second key: the schema and the installation), so the
 * replicas take turns on one installation's windows and never wait on another's.
 */
const SENDS_LOCK_CLASS = 0x43430003;
const LOCK_SQL = "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '') || '/' || $2))";

/**
 * Prunes the installation's sends older than the hour window, then reads the send that fills each window: the
 * perMinute-th newest of the last minute and the perHour-th newest of the last hour (none: room). The windows
 * include both ends, as GitHub's "any 60 s" does, and have no upper bound: a send another replica stamped a
 * little later (clocks differ) still counts. The DELETE and the SELECT see one snapshot, so the SELECT's own
 * window bounds keep the pruned rows out.
 */
const WINDOWS_SQL = `WITH pruned AS (DELETE FROM github_write_sends WHERE installation = $1 AND sent_ms < $2::bigint - $6::bigint)
  SELECT
    (SELECT sent_ms FROM github_write_sends WHERE installation = $1 AND sent_ms >= $2::bigint - $5::bigint
      ORDER BY sent_ms DESC OFFSET $3::int - 1 LIMIT 1) AS minute_full,
    (SELECT sent_ms FROM github_write_sends WHERE installation = $1 AND sent_ms >= $2::bigint - $6::bigint
      ORDER BY sent_ms DESC OFFSET $4::int - 1 LIMIT 1) AS hour_full`;

type Ms = string | number | bigint | null | undefined;

/** bigint comes back from pg as text, from PGlite as a number or a bigint. */
const asMs = (value: Ms): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * The shared windows on PostgreSQL: one short transaction per send (lock the installation, prune and count,
 * insert), so N replicas together stay within the limits and one alone may use all of them.
 */
export function createPostgresWriteSendLog(db: SqlDatabase): WriteSendLog {
  return {
    take: ({ key, now, limits, windows }) =>
      db.transaction(async (tx) => {
        await tx.query(LOCK_SQL, [SENDS_LOCK_CLASS, key]);
        const { rows } = await tx.query<{ minute_full: Ms; hour_full: Ms }>(WINDOWS_SQL, [
          key,
          now,
          limits.perMinute,
          limits.perHour,
          windows.minuteMs,
          windows.hourMs,
        ]);
        const minuteFull = asMs(rows[0]?.minute_full);
        const hourFull = asMs(rows[0]?.hour_full);
        // The send that fills a window must leave it first (+1 ms: the window includes its end).
        const wait = Math.max(
          0,
          minuteFull === null ? 0 : minuteFull + windows.minuteMs - now + 1,
          hourFull === null ? 0 : hourFull + windows.hourMs - now + 1,
        );
        if (wait > 0) return wait;
        await tx.query('INSERT INTO github_write_sends (installation, sent_ms) VALUES ($1, $2)', [key, now]);
        return 0;
      }),
  };
}
