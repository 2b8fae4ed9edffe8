import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openUrlDatabase, type UrlDatabase } from '../store/url-database.js';
import { startE2E, type E2E } from './harness/start-e2e.js';
import type { RunningApp } from './harness/start-app.js';
import { waitFor } from './harness/wait.js';
import { deliver, pullRequestEvent } from './harness/webhooks.js';

/**
 * One write budget for all replicas (issue 18 part 3): two app processes on one PostgreSQL database (the server at
 * TEST_DATABASE_URL when set, else PGlite on a socket), each configured with GitHub's whole per-minute limit
 * (scaled down to 6 for the test's speed; the default 10 % margin makes the budget 5). A burst of PRs in one
 * installation, delivered to both: both replicas evaluate, together they send 5 content-creating requests in the
 * first minute, never more than GitHub's 6 in any 60 s (counted by the GitHub simulator, which sees a request when
 * it arrives), and the rest when the first leave the window.
 */

const GITHUB_PER_MINUTE = 6;
const BUDGET = 5; // 6 less the default margin of 10 %, rounded down
const PRS = 5; // 10 writes (status and check run each): 5 at once, 5 a minute later

/** The most times in any window of `windowMs` (inclusive at both ends). */
function most(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t <= start + windowMs).length));
}

let database: UrlDatabase;
let e2e: E2E;
let second: RunningApp;

describe('two replicas on PostgreSQL share one write budget per installation', () => {
  beforeAll(async () => {
    // Per app: the store's pool (10) and the budget's (2); and the test's own connection.
    database = await openUrlDatabase({ maxConnections: 30 });
    e2e = await startE2E({
      env: {
        DATABASE_URL: database.url,
        // With the default margin: the app stamps a send when it sends, the simulator when it arrives.
        CHANGE_CONTROL_WRITES_PER_MINUTE: String(GITHUB_PER_MINUTE),
        CHANGE_CONTROL_QUEUE_POLL_MS: '100',
        // Two PRs at a time per replica: five PRs need both.
        CHANGE_CONTROL_WORKER_CONCURRENCY: '2',
        CHANGE_CONTROL_SHUTDOWN_GRACE_MS: '0',
      },
    });
    second = await e2e.startAnother();
  }, 180_000);

  afterAll(async () => {
    await e2e?.stop();
    await database?.close();
  });

  it('a burst delivered to both: both evaluate, together they stay within the budget in every 60 s, and all of it is published', async () => {
    const busy = e2e.newRepo();
    const prs = Array.from({ length: PRS }, () => e2e.openPullRequest(busy));
    for (const pr of prs) e2e.makeReady(pr);
    const ofBusy = () => e2e.github.requests().filter((r) => r.path.includes(`/repos/${busy.owner}/${busy.repo}/`));
    const writes = () => ofBusy().filter((r) => r.kind === 'rest' && r.method !== 'GET');
    const factQueries = () =>
      e2e.github.requests().filter((r) => r.operationName === 'ChangeControlFacts' && r.variables?.repo === busy.repo);

    const answers = await Promise.all(
      prs.map((pr, i) =>
        deliver({
          appUrl: (i % 2 === 0 ? e2e.app : second).url,
          secret: e2e.app.webhookSecret,
          event: 'pull_request',
          payload: pullRequestEvent(pr, 'opened'),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(prs.map(() => 200));

    await waitFor(`${BUDGET} writes`, () => writes().length >= BUDGET, { timeoutMs: 30_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${e2e.app.output().slice(-3000)}\n${second.output().slice(-3000)}`);
    });
    await waitFor('a fact query per PR', () => factQueries().length >= PRS, { timeoutMs: 30_000 });
    // Both replicas evaluated PRs of the installation (each process has an installation token of its own).
    expect(new Set(factQueries().map((r) => r.tokenNumber)).size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const first = writes()[0]?.at ?? 0;
    // Within the first minute: the budget of one replica, for both together.
    expect(writes()).toHaveLength(BUDGET);
    expect(Date.now() - first).toBeLessThan(60_000);

    await waitFor('every PR published', () => writes().length >= 2 * PRS, { timeoutMs: 90_000, intervalMs: 250 }).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n${e2e.app.output().slice(-6000)}\n${second.output().slice(-6000)}`);
      },
    );
    await e2e.quiet();
    const times = writes().map((r) => r.at);
    expect(times).toHaveLength(2 * PRS);
    expect(most(times, 60_000)).toBeLessThanOrEqual(GITHUB_PER_MINUTE);
    // The rest went out once the first left the window, not much later (the budget's pace, not a poll's).
    expect(times.at(-1)! - first).toBeGreaterThan(60_000);
    expect(times.at(-1)! - first).toBeLessThan(67_000);
    for (const pr of prs) {
      const { headSha } = e2e.github.pullRequest(pr);
      expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).at(-1)?.state).toBe('success');
    }
    expect(writes().filter((r) => r.status !== null && r.status >= 400)).toEqual([]);
    expect(e2e.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  }, 180_000);
});
