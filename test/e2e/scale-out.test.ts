import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { GitHubRequest } from '../simulators/github/create-github-simulator.js';
import { openUrlDatabase, type UrlDatabase } from '../store/url-database.js';
import { startE2E, type E2E } from './harness/start-e2e.js';
import type { RunningApp } from './harness/start-app.js';
import { waitFor } from './harness/wait.js';
import { deliver, checkRunEvent, issueCommentEvent, pullRequestEvent, type PullTarget } from './harness/webhooks.js';

/**
 * Two app processes (replicas behind a load balancer) on one database: a delivery is processed once, and the
 * evaluations of one PR never overlap, whichever replica received its events. Run on a SQLite file both
 * processes open, and on PostgreSQL (the server at TEST_DATABASE_URL when set, else PGlite on a socket).
 */

const ENV = { CHANGE_CONTROL_QUEUE_POLL_MS: '100', CHANGE_CONTROL_QUEUE_LEASE_MS: '10000' };

type Backend = { name: string; env: () => Promise<Record<string, string>>; close: () => Promise<void> };

let database: UrlDatabase | undefined;
const BACKENDS: Backend[] = [
  { name: 'one SQLite file', env: async () => ({}), close: async () => undefined },
  {
    name: 'PostgreSQL',
    env: async () => {
      // Two app pools of up to 10 connections each, and the test's own.
      database = await openUrlDatabase({ maxConnections: 24 });
      return { DATABASE_URL: database.url };
    },
    close: async () => database?.close(),
  },
];

/** The fact queries for a PR, in arrival order. */
function factQueries(e2e: E2E, pr: PullTarget): GitHubRequest[] {
  return e2e.github
    .requests()
    .filter((r) => r.operationName === 'ChangeControlFacts' && r.variables?.number === pr.number && r.variables?.repo === pr.repo);
}

describe.each(BACKENDS)('two replicas on $name', (backend) => {
  let e2e: E2E;
  let second: RunningApp;
  beforeAll(async () => {
    const env = { ...ENV, ...(await backend.env()) };
    e2e = await startE2E({ env });
    second = await e2e.startAnother();
  }, 180_000);
  afterAll(async () => {
    await e2e?.stop();
    await backend.close();
  });
  beforeEach(() => e2e.reset());

  const sendTo = (app: RunningApp, event: string, payload: unknown, deliveryId?: string) =>
    deliver({ appUrl: app.url, secret: app.webhookSecret, event, payload, deliveryId });

  it('the same delivery to both replicas at once: answered by both, processed once', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    const id = randomUUID();
    const payload = pullRequestEvent(pr, 'opened');

    const answers = await Promise.all([sendTo(e2e.app, 'pull_request', payload, id), sendTo(second, 'pull_request', payload, id)]);
    await e2e.quiet();

    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(factQueries(e2e, pr)).toHaveLength(1);
    expect(e2e.github.callCounts(0)).toMatchObject({ graphqlQueries: 1, restWrites: 2 });
    const kinds = await e2e.app.query<{ kind: string }>(
      `SELECT kind FROM audit_entries WHERE repo = '${pr.owner}/${pr.repo}' ORDER BY seq`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(['push', 'verdict']);
    expect(e2e.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  }, 60_000);

  it('30 events for one PR split across both replicas: evaluations one at a time, and the right final verdict', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr, { build: null });
    const { headSha } = e2e.github.pullRequest(pr);
    await e2e.evaluate(pr);
    const build = e2e.github.addCheckRun({ ...pr, sha: headSha, name: 'build', conclusion: 'success' });
    // Each fact query takes 300 ms: two evaluations running at once would overlap in the simulator's log.
    e2e.github.injectFailure({ operationName: 'ChangeControlFacts', delayMs: 300, passThrough: true });

    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => sendTo(i % 2 === 0 ? e2e.app : second, 'check_run', checkRunEvent(pr, 'completed', build))),
    );
    await e2e.quiet();
    e2e.github.clearFailures();

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const queries = factQueries(e2e, pr).slice(1); // after the first evaluation
    expect(queries.length).toBeGreaterThanOrEqual(1);
    expect(queries.length).toBeLessThanOrEqual(4);
    for (const [index, query] of queries.entries()) {
      const next = queries[index + 1];
      if (next) expect(next.at).toBeGreaterThanOrEqual(query.answeredAt ?? Number.POSITIVE_INFINITY);
    }
    expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).map((s) => s.state)).toEqual(['pending', 'success']);
    expect(e2e.github.checkRuns({ ...pr, sha: headSha, ours: true })).toHaveLength(1);
    expect(e2e.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  }, 90_000);

  it('/change-control recheck given to both replicas: evaluated through the queue, one at a time, every recheck answered once', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    const { headSha } = e2e.github.pullRequest(pr);
    await e2e.evaluate(pr);
    const askers = ['dave', 'erin', 'frank', 'gina'];
    for (const login of askers) e2e.github.setCollaborator({ ...repo, login, role: 'write' });
    // Each fact query takes 300 ms: two evaluations of the PR running at once would overlap in the simulator's log.
    e2e.github.injectFailure({ operationName: 'ChangeControlFacts', delayMs: 300, passThrough: true });

    const answers = await Promise.all(
      askers.map((login, i) => {
        const posted = e2e.github.addComment({
          owner: pr.owner,
          repo: pr.repo,
          number: pr.number,
          author: login,
          body: '/change-control recheck',
        });
        return sendTo(i % 2 === 0 ? e2e.app : second, 'issue_comment', issueCommentEvent(pr, posted));
      }),
    );
    const replies = await waitFor(
      'a reply to every recheck',
      () => {
        const found = e2e.github
          .comments(pr)
          .filter((c) => c.author.type === 'Bot' && / evaluated head `[0-9a-f]{7}` again: \*\*success\*\*/.test(c.body));
        return found.length >= askers.length ? found : null;
        // Replies are comments: GitHub's write budget spaces them, so this waits longer than an evaluation.
      },
      { timeoutMs: 60_000 },
    );
    await e2e.quiet();
    e2e.github.clearFailures();

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const queries = factQueries(e2e, pr).slice(1); // after the first evaluation
    expect(queries.length).toBeGreaterThanOrEqual(1);
    expect(queries.length).toBeLessThanOrEqual(askers.length);
    for (const [index, query] of queries.entries()) {
      const next = queries[index + 1];
      if (next) expect(next.at).toBeGreaterThanOrEqual(query.answeredAt ?? Number.POSITIVE_INFINITY);
    }
    expect(replies.map((reply) => reply.body.split(' ')[0]).sort()).toEqual(askers.map((login) => `@${login}`).sort());
    expect(e2e.github.comments(pr).filter((c) => c.author.type === 'Bot' && c.body.includes(' again: '))).toHaveLength(askers.length);
    const commands = await e2e.app.query<{ kind: string }>(
      `SELECT kind FROM audit_entries WHERE repo = '${pr.owner}/${pr.repo}' AND kind = 'command' ORDER BY seq`,
    );
    expect(commands).toHaveLength(askers.length);
    expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).map((s) => s.state)).toEqual(['success']);
    expect(e2e.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  }, 90_000);
});
