import { describe, expect, it } from '@jest/globals';
import type { CallCounts } from '../simulators/index.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { checkRunEvent, pullRequestEvent, pullRequestReviewEvent, statusEvent, type PullTarget } from './harness/webhooks.js';

/**
 * How many GitHub calls one evaluation costs, counted at the simulator. Reads: GraphQL queries and REST GETs;
 * writes: REST POST/PATCH. The figures are asserted here and listed in docs/operations.md (not printed: jest's output stays readable).
 *
 * Jira: 2 calls for an approved ticket (the issue, then its changelog for who approved it: the evidence the
 * cross-system segregation of duties needs). The harness switches the ticket cache off (TICKET_CACHE_SECONDS=0)
 * because tests change tickets between deliveries; the last test shows what the cache saves.
 */

let e2e: E2E;
useE2E((started) => (e2e = started));

/** Delivers the event, waits until the app has gone quiet, and returns what it cost; `_step` names the step for the reader. */
async function measure(_step: string, pr: PullTarget, event: string, payload: unknown): Promise<CallCounts & { jira: number }> {
  const mark = e2e.github.mark();
  const jiraBefore = e2e.jira.requests().length;
  const delivery = await e2e.send(event, payload);
  expect(delivery.status).toBe(200);
  await e2e.quiet();
  const counts = { ...e2e.github.callCounts(mark), jira: e2e.jira.requests().length - jiraBefore };
  return counts;
}

describe('GitHub calls per evaluation', () => {
  it('a first evaluation: 1 installation token, 1 GraphQL query, 2 writes (check run + status)', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);

    const counts = await measure('first evaluation', pr, 'pull_request', pullRequestEvent(pr, 'opened'));

    expect(counts).toEqual({ tokenRequests: 1, appRequests: 0, graphqlQueries: 1, restReads: 0, restWrites: 2, jira: 2 });
    const writes = e2e.github.requests().filter((r) => r.kind === 'rest');
    expect(writes.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{40}/, '{sha}')}`)).toEqual([
      `POST /api/v3/repos/${pr.owner}/${pr.repo}/check-runs`,
      `POST /api/v3/repos/${pr.owner}/${pr.repo}/statuses/{sha}`,
    ]);
  });

  it('the same event again: 1 GraphQL query and no write', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    await measure('first evaluation', pr, 'pull_request', pullRequestEvent(pr, 'opened'));

    const counts = await measure('identical re-evaluation', pr, 'pull_request', pullRequestEvent(pr, 'opened'));

    // The installation token is cached by the app, so no token request either.
    expect(counts).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 1, restReads: 0, restWrites: 0, jira: 2 });
    const { headSha } = e2e.github.pullRequest(pr);
    expect(e2e.github.statuses({ ...pr, sha: headSha })).toHaveLength(1);
    expect(e2e.github.checkRuns({ ...pr, sha: headSha, ours: true })).toHaveLength(1);
  });

  it('a changed verdict: 1 GraphQL query, the check run and status rewritten, and the trail comment written', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr, { reviewer: null });
    await measure('first evaluation (pending)', pr, 'pull_request', pullRequestEvent(pr, 'opened'));
    e2e.github.addReview({ ...pr, reviewer: 'bob' });

    const counts = await measure('verdict changed (pending to success)', pr, 'pull_request_review', pullRequestReviewEvent(pr, 'bob'));

    expect(counts).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 1, restReads: 0, restWrites: 3, jira: 2 });
    const writes = e2e.github
      .requests()
      .filter((r) => r.kind === 'rest')
      .slice(-3);
    expect(writes.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{40}/, '{sha}').replace(/\d+$/, '{id}')}`)).toEqual([
      `PATCH /api/v3/repos/${pr.owner}/${pr.repo}/check-runs/{id}`,
      `POST /api/v3/repos/${pr.owner}/${pr.repo}/statuses/{sha}`,
      `POST /api/v3/repos/${pr.owner}/${pr.repo}/issues/${pr.number}/comments`,
    ]);
    expect(e2e.github.comments(pr)).toEqual([expect.objectContaining({ author: { login: 'change-control', type: 'Bot' } })]);
  });

  it('three deliveries for one PR at once: coalesced into at most two evaluations, one check run and one status', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const { headSha } = e2e.github.pullRequest(pr);
    const mark = e2e.github.mark();

    const deliveries = await Promise.all([
      e2e.send('pull_request', pullRequestEvent(pr, 'opened')),
      e2e.send('pull_request_review', pullRequestReviewEvent(pr, 'bob')),
      e2e.send('pull_request', pullRequestEvent(pr, 'edited')),
    ]);
    await e2e.quiet();

    const counts = e2e.github.callCounts(mark);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    // The first evaluation and at most one follow-up for what arrived while it ran.
    expect(counts.graphqlQueries).toBeGreaterThanOrEqual(1);
    expect(counts.graphqlQueries).toBeLessThanOrEqual(2);
    expect(counts).toMatchObject({ tokenRequests: 1, appRequests: 0, restReads: 0, restWrites: 2 });
    expect(e2e.github.checkRuns({ ...pr, sha: headSha, ours: true })).toHaveLength(1);
    expect(e2e.github.statuses({ ...pr, sha: headSha })).toHaveLength(1);
  });

  it('a burst of 30 check_run.completed events for one head: at most 2 evaluations and the right final verdict', async () => {
    const pr = e2e.openPullRequest(
      e2e.newRepo({
        policy: ['ticket:', '  projects: [CHG]', 'approval:', '  count: 1', 'checks:', '  required: [build, lint]', ''].join('\n'),
      }),
    );
    e2e.makeReady(pr);
    const { headSha } = e2e.github.pullRequest(pr);
    await e2e.evaluate(pr);
    expect(e2e.github.statuses({ ...pr, sha: headSha }).at(-1)?.state).toBe('pending'); // lint has not run yet
    const lint = e2e.github.addCheckRun({ ...pr, sha: headSha, name: 'lint', conclusion: 'success' });
    const mark = e2e.github.mark();

    const deliveries = await Promise.all(Array.from({ length: 30 }, () => e2e.send('check_run', checkRunEvent(pr, 'completed', lint))));
    await e2e.quiet();

    const counts = e2e.github.callCounts(mark);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    expect(counts.graphqlQueries).toBeGreaterThanOrEqual(1);
    expect(counts.graphqlQueries).toBeLessThanOrEqual(2);
    // Pending to success, written once: the check run, the status and the trail comment.
    expect(counts.restWrites).toBe(3);
    expect(e2e.github.statuses({ ...pr, sha: headSha }).at(-1)?.state).toBe('success');
  });

  it('a status event: 1 REST read to find the PR, then 1 GraphQL query, and writes only what changed', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    await measure('first evaluation', pr, 'pull_request', pullRequestEvent(pr, 'opened'));
    const { headSha } = e2e.github.pullRequest(pr);
    const lint = e2e.github.addStatus({ ...pr, sha: headSha, context: 'lint', state: 'success' });

    const counts = await measure('status event, verdict unchanged', pr, 'status', statusEvent(pr, lint));

    expect(counts).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 1, restReads: 1, restWrites: 0, jira: 2 });
  });

  it('the ticket cache: a second evaluation within ticket.cache_seconds asks Jira nothing', async () => {
    const policy = STANDARD_POLICY.replace('  projects: [CHG]', '  projects: [CHG]\n  cache_seconds: 60');
    const pr = e2e.openPullRequest(e2e.newRepo({ policy }), { ticket: 'CHG-77' });
    e2e.makeReady(pr, { ticket: 'CHG-77' });
    const first = await measure('first evaluation, cache on', pr, 'pull_request', pullRequestEvent(pr, 'opened'));

    const second = await measure('identical re-evaluation, cache on', pr, 'pull_request', pullRequestEvent(pr, 'opened'));

    expect(first.jira).toBe(2);
    expect(second).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 1, restReads: 0, restWrites: 0, jira: 0 });
  });
});
