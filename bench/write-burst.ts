import { startWorld } from './bench-world.js';
import { measureBurst } from './measure.js';

/**
 * Secondary rate limits under a burst (issue 16): 200 PRs opened within 4 s in one installation, against a GitHub
 * simulator that enforces a content-creation limit of LIMIT writes per installation per minute (403 with
 * `retry-after` beyond it, as GitHub does). Scaled: LIMIT is 200 a minute so a run takes about two minutes
 * (`--full`: GitHub's real 80, about five). Run twice: with the budget exactly at the limit (margin 0) and with the
 * default margin (CHANGE_CONTROL_WRITE_MARGIN_PERCENT=10). Prints the 403s the app drew and how the burst drained.
 */
const LIMIT = process.argv.includes('--full') ? 80 : 200;
const PRS = 200;

async function run(margin: number): Promise<void> {
  const world = await startWorld(
    'ours',
    { CHANGE_CONTROL_WRITES_PER_MINUTE: String(LIMIT), CHANGE_CONTROL_WRITE_MARGIN_PERCENT: String(margin) },
    { secondaryLimit: { perMinute: LIMIT } },
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
      burst.drainSeconds === null ? `not drained within ${burst.capSeconds} s` : `drained in ${burst.drainSeconds.toFixed(0)} s`;
    console.log(
      `margin ${String(margin).padStart(2)} % (budget ${budget}/min, GitHub ${LIMIT}/min): ${world.github.secondaryLimited()} × 403 secondary rate limit; ` +
        `${burst.verdicts}/${PRS} verdicts, ${drained}, ${burst.writesPerPr.toFixed(2)} writes per PR, ${burst.wrongVerdicts} not success`,
    );
  } finally {
    await world.stop();
  }
}

console.log(`burst of ${PRS} PRs in one installation, GitHub simulator enforcing ${LIMIT} content-creating requests a minute`);
for (const margin of [0, 10]) await run(margin);
