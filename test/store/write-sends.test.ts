import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createSharedWriteBudget, type SendLog, type WriteBudgetLimits } from '../../src/github/write-budget.js';
import { migratePostgres } from '../../src/store/migrations.js';
import { createPostgresWriteSendLog } from '../../src/store/postgres-write-sends.js';
import { poolDatabase, type SqlDatabase } from '../../src/store/sql-database.js';
import { TEST_DATABASE_URL } from './backends.js';

/**
 * The write budget shared by replicas (issue 18 part 3): two budget instances (two replicas) on one PostgreSQL
 * database, under concurrent acquires, on a fake clock. Run on PGlite and, when TEST_DATABASE_URL is set, on that
 * server (each replica with a pool of its own, as two processes would have).
 */

interface SharedDatabase {
  /** One database handle per replica, on the same database. */
  replica(): SqlDatabase;
  sends(): Promise<Array<{ installation: string; sent_ms: number }>>;
  close(): Promise<void>;
}

interface Target {
  name: string;
  open(): Promise<SharedDatabase>;
}

async function openPglite(): Promise<SharedDatabase> {
  const db = await PGlite.create();
  await migratePostgres(db, () => new Date());
  return {
    // PGlite is one session: every replica's transactions take turns on it.
    replica: () => ({
      query: (sql, params) => db.query(sql, params),
      transaction: (fn) => db.transaction(fn),
      close: async () => undefined,
    }),
    sends: async () =>
      (await db.query<{ installation: string; sent_ms: number }>('SELECT installation, sent_ms FROM github_write_sends ORDER BY sent_ms'))
        .rows,
    close: () => db.close(),
  };
}

async function openServer(url: string): Promise<SharedDatabase> {
  const schema = `cc_test_sends_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pools: pg.Pool[] = [];
  const replica = (): SqlDatabase => {
    const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 });
    pools.push(pool);
    return poolDatabase(pool);
  };
  await migratePostgres(replica(), () => new Date());
  return {
    replica,
    sends: async () =>
      (await admin.query(`SELECT installation, sent_ms FROM ${schema}.github_write_sends ORDER BY sent_ms`)).rows.map(
        (row: Record<string, unknown>) => ({
          installation: String(row.installation),
          sent_ms: Number(row.sent_ms),
        }),
      ),
    close: async () => {
      await Promise.all(pools.map((pool) => pool.end()));
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

const serverUrl = TEST_DATABASE_URL;
const TARGETS: Target[] = [
  { name: 'PGlite', open: openPglite },
  ...(serverUrl ? [{ name: 'PostgreSQL (TEST_DATABASE_URL)', open: () => openServer(serverUrl) }] : []),
];

/**
 * One clock for every replica that moves only when a budget sleeps: a sleeper wakes at its time, or later when
 * another sleeper has moved the clock further meanwhile. Time never goes back.
 */
function fakeTime() {
  let now = 0;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      const until = now + ms;
      await new Promise((resolve) => setImmediate(resolve));
      now = Math.max(now, until);
    },
  };
}

/** The most sends in any window of `windowMs` (inclusive at both ends). */
function most(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t <= start + windowMs).length));
}

describe.each(TARGETS)('the write budget shared on $name', (target) => {
  let database: SharedDatabase;
  beforeAll(async () => {
    database = await target.open();
  }, 30_000);
  afterAll(() => database?.close());

  /** Every send either replica's log recorded (the table itself is pruned after an hour). */
  const sent: Array<{ key: string; now: number }> = [];

  /** Two replicas' budgets on the database, sharing one fake clock. */
  function twoReplicas(limits: WriteBudgetLimits) {
    const time = fakeTime();
    const budgets = [1, 2].map(() => {
      const log = createPostgresWriteSendLog(database.replica());
      const recorded: SendLog = {
        take: async (input) => {
          const wait = await log.take(input);
          if (wait === 0) sent.push({ key: input.key, now: input.now });
          return wait;
        },
      };
      return createSharedWriteBudget(limits, recorded, time);
    });
    return { time, first: budgets[0]!, second: budgets[1]! };
  }

  const sendTimes = async (installation: string) => sent.filter((send) => send.key === installation).map((send) => send.now);
  const rowTimes = async (installation: string) =>
    (await database.sends()).filter((send) => send.installation === installation).map((send) => Number(send.sent_ms));

  it('lets one replica alone use the whole budget at once, then waits for the first send to leave the minute (and the second it may take to reach GitHub)', async () => {
    const { time, first } = twoReplicas({ perMinute: 80, perHour: 500 });

    for (let i = 0; i < 80; i += 1) await first.acquire('alone');
    expect(time.clock()).toBe(0);
    await first.acquire('alone');

    expect(time.clock()).toBe(61_001);
    expect(await sendTimes('alone')).toHaveLength(81);
    expect(await rowTimes('alone')).toHaveLength(81);
  });

  it('two replicas acquiring at once never send more than the limit in any 60 s, and drain at the budget pace', async () => {
    const { time, first, second } = twoReplicas({ perMinute: 80, perHour: 500 });

    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? first : second).acquire('burst')));

    const times = await sendTimes('burst');
    expect(times).toHaveLength(200);
    expect(most(times, 60_000)).toBe(80);
    expect(times.filter((t) => t === 0)).toHaveLength(80);
    // 200 sends at 80 a minute (61 s windows): the last just after two of them, the least the budget allows.
    expect(time.clock()).toBeGreaterThan(122_000);
    expect(time.clock()).toBeLessThan(123_000);
  }, 60_000);

  it('keeps the hourly budget across both replicas', async () => {
    const { first, second } = twoReplicas({ perMinute: 80, perHour: 100 });

    await Promise.all(Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? first : second).acquire('hourly')));

    const times = await sendTimes('hourly');
    expect(times).toHaveLength(150);
    expect(most(times, 3_600_000)).toBe(100);
    expect(most(times, 60_000)).toBeLessThanOrEqual(80);
  }, 60_000);

  it('counts each installation on its own', async () => {
    const { time, first, second } = twoReplicas({ perMinute: 2, perHour: 500 });

    await Promise.all([first.acquire('a'), second.acquire('a'), first.acquire('b'), second.acquire('b')]);

    expect(time.clock()).toBe(0);
  });

  it('prunes an installation’s sends once they leave the hour window', async () => {
    const { time, first } = twoReplicas({ perMinute: 1, perHour: 2 });

    await first.acquire('pruned');
    await first.acquire('pruned'); // waits a minute
    await first.acquire('pruned'); // waits for the hour

    expect(time.clock()).toBe(3_601_001);
    expect(await sendTimes('pruned')).toEqual([0, 61_001, 3_601_001]);
    expect(await rowTimes('pruned')).toEqual([61_001, 3_601_001]);
  });
});

describe('a shared budget whose database cannot be read', () => {
  it('fails the acquire (the write is not sent) and says why, never lets it through', async () => {
    const db = await PGlite.create();
    await migratePostgres(db, () => new Date());
    const budget = createSharedWriteBudget({ perMinute: 80, perHour: 500 }, createPostgresWriteSendLog(db), fakeTime());
    await db.query('DROP TABLE github_write_sends');

    await expect(budget.acquire('lost')).rejects.toThrow(
      /^the shared write budget could not be read from the database, so the write was not sent: .*github_write_sends/,
    );
    // The next write asks again (the queue retries the evaluation): still refused while the database is broken.
    await expect(budget.acquire('lost')).rejects.toThrow('the write was not sent');
    await db.close();
  });
});
