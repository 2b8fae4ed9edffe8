import { openUrlDatabase, type UrlDatabase } from '../test/store/url-database.js';
import { startWorld } from './bench-world.js';
import { measureBurst } from './measure.js';

/**
 * Secondary rate limits under a burst (issue 16, issue 18 part 3): 200 PRs opened within 4 s in one installation,
 * against a GitHub simulator that enforces a content-creation limit of LIMIT writes per installation per minute
 * (403 with `retry-after` beyond it, as GitHub does). Scaled: LIMIT is 200 a minute so a run takes about two minutes
 * (`--full`: GitHub's real 80, about five). One replica (SQLite, the budget in the process) with the budget exactly
 * at the limit (margin 0) and with the default margin (CHANGE_CONTROL_WRITE_MARGIN_PERCENT=10); then two replicas on
 * one PostgreSQL database (TEST_DATABASE_URL when set, else PGlite on a socket), each configured with the whole
 * limit, the deliveries alternating between them: one budget shared through the database. Prints the 403s, the
 * most writes GitHub received in any 60 s and the drain time against the least the budget allows.
 */
const LIMIT = process.argv.includes('--full') ? 80 : 200;
const PRS = 200;

async function run(margin: number, replicas: 1 | 2): Promise<void> {
  let database: UrlDatabase | undefined;
  if (replicas > 1) database = await openUrlDatabase({ maxConnections: 40 });
  const world = await startWorld(
    'ours',
    {
      CHANGE_CONTROL_WRITES_PER_MINUTE: String(LIMIT),
      CHANGE_CONTROL_WRITE_MARGIN_PERCENT: String(margin),
      ...(database ? { DATABASE_URL: database.url } : {}),
    },
    { secondaryLimit: { perMinute: LIMIT } },
    replicas,
  );
  try {
    const budget = Math.floor((LIMIT * (100 - margin)) / 100);
    const burst = await measureBurst(world, {
      prs: PRS,
      withinMs: 4000,
      perMinute: budget,
      capSeconds: Math.ceil((2 * PRS) / budget) * 60 + 120,
    });
    const drained =
      burst.drainSeconds === null
        ? `not drained within ${burst.capSeconds} s`
        : `drained in ${burst.drainSeconds.toFixed(0)} s (budget minimum ${burst.minimumSeconds} s, +${(
            (100 * (burst.drainSeconds - burst.minimumSeconds)) /
            Math.max(1, burst.minimumSeconds)
          ).toFixed(1)} %)`;
    const where = replicas === 1 ? '1 replica, SQLite    ' : '2 replicas, PostgreSQL';
    console.log(
      `${where} margin ${String(margin).padStart(2)} % (budget ${budget}/min, GitHub ${LIMIT}/min): ` +
        `${world.github.secondaryLimited()} × 403 secondary rate limit; at most ${burst.maxWritesIn60s} writes in any 60 s; ` +
        `${burst.verdicts}/${PRS} verdicts, ${drained}, ${burst.writesPerPr.toFixed(2)} writes per PR, ${burst.wrongVerdicts} not success`,
    );
  } finally {
    await world.stop();
    await database?.close();
  }
}

console.log(`burst of ${PRS} PRs in one installation, GitHub simulator enforcing ${LIMIT} content-creating requests a minute`);
for (const margin of [0, 10]) await run(margin, 1);
for (const margin of [0, 10]) await run(margin, 2);
