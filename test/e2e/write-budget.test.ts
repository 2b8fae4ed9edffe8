import { describe, expect, it } from '@jest/globals';
import type { E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { pullRequestEvent } from './harness/webhooks.js';

/**
 * GitHub's content-creation limit per installation, scaled down to 3 writes a minute: a burst of PRs in one
 * installation gets its writes within the budget (counted in any 60 s window of the simulator's log), reads are
 * not held back by it, and another installation has a budget of its own.
 */

const PER_MINUTE = 3;
let e2e: E2E;
// No margin: the test counts the budget itself (the margin is measured by bench/write-burst.ts).
useE2E((started) => (e2e = started), {
  env: {
    CHANGE_CONTROL_WRITES_PER_MINUTE: String(PER_MINUTE),
    CHANGE_CONTROL_WRITE_MARGIN_PERCENT: '0',
    CHANGE_CONTROL_SHUTDOWN_GRACE_MS: '0',
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the write budget per installation', () => {
  it('holds writes beyond the budget for the rest of the minute, not reads, and not another installation', async () => {
    const busy = e2e.newRepo();
    const prs = [1, 2, 3].map(() => e2e.openPullRequest(busy));
    for (const pr of prs) e2e.makeReady(pr);
    const quiet = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(quiet);
    const writesTo = (repo: string) =>
      e2e.github.requests().filter((r) => r.kind === 'rest' && r.method !== 'GET' && r.path.includes(`/repos/${busy.owner}/${repo}/`));

    for (const pr of prs) expect((await e2e.send('pull_request', pullRequestEvent(pr, 'opened'))).status).toBe(200);
    await waitFor(`${PER_MINUTE} writes for the busy installation`, () => writesTo(busy.repo).length >= PER_MINUTE);
    expect((await e2e.send('pull_request', pullRequestEvent(quiet, 'opened'))).status).toBe(200);
    await waitFor('both writes of the other installation', () => writesTo(quiet.repo).length === 2);
    // Every evaluation has read its facts, though most of their writes wait for the budget.
    await waitFor('a fact query per PR', () => e2e.github.requests().filter((r) => r.operationName === 'ChangeControlFacts').length === 4);
    await sleep(2000);

    const times = writesTo(busy.repo).map((r) => r.at);
    const first = times[0] ?? 0;
    expect(times.filter((t) => t <= first + 60_000)).toHaveLength(PER_MINUTE);
    expect(Date.now() - first).toBeLessThan(60_000); // the check above covered a whole window only if this holds
  }, 60_000);
});
