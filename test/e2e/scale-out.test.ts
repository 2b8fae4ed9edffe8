import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { GitHubRequest } from '../simulators/github/create-github-simulator.js';
import { openUrlDatabase, type UrlDatabase } from '../store/url-database.js';
import { deploymentProtectionRuleEvent, deploymentStatusEvent } from './harness/deployment-webhooks.js';
import { CONFIG_PATH, STANDARD_POLICY, startE2E, type E2E } from './harness/start-e2e.js';
import type { RunningApp } from './harness/start-app.js';
import { waitFor } from './harness/wait.js';
import { deliver, checkRunEvent, issueCommentEvent, pullRequestEvent, type PullTarget } from './harness/webhooks.js';

/**
 * Two app processes (replicas behind a load balancer) on one database: a delivery is processed once, and the
 * evaluations of one PR never overlap, whichever replica received its events. Run on a SQLite file both
 * processes open, and on PostgreSQL (the server at TEST_DATABASE_URL when set, else PGlite on a socket).
 */

/**
 * Failed work is retried after 200 ms, not the harness's 10 minutes: PGlite's socket server can fail a statement
 * when two connections talk at once (test/store/url-database.ts), and the queue retries it like any transient failure.
 */
const ENV = { CHANGE_CONTROL_QUEUE_POLL_MS: '100', CHANGE_CONTROL_QUEUE_LEASE_MS: '10000', CHANGE_CONTROL_RETRY_BASE_MS: '200' };

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

const EMERGENCY_POLICY = `${STANDARD_POLICY}emergency:\n  teams: [acme/incident-commanders]\n  reviewers: [acme/change-reviewers]\n`;

/** A JSON column as the database hands it back (text in SQLite, parsed in PostgreSQL). */
const json = (value: unknown): Record<string, unknown> =>
  (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;

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
  it('two /change-control emergency comments given at once on both replicas: one follow-up issue, one authorisation', async () => {
    e2e.github.addTeam({ org: 'acme', slug: 'incident-commanders', members: ['carol', 'dina'] });
    e2e.github.addTeam({ org: 'acme', slug: 'change-reviewers', members: ['erin'] });
    const repo = e2e.newRepo({ policy: EMERGENCY_POLICY });
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    const { headSha, status } = await e2e.evaluate(pr);
    expect(status.state).toBe('pending');
    const authorisers = ['carol', 'dina'];
    // Opening the follow-up issue takes 1.5 s (the authorisation is recorded after it): two authorisations run at
    // once would both find none recorded yet, and open two.
    e2e.github.injectFailure({ method: 'POST', path: /\/issues$/, delayMs: 1500, passThrough: true });

    const answers = await Promise.all(
      authorisers.map((login, i) => {
        const posted = e2e.github.addComment({
          ...pr,
          author: login,
          body: `/change-control emergency INC-${i} card payments are failing`,
        });
        return sendTo(i === 0 ? e2e.app : second, 'issue_comment', issueCommentEvent(pr, posted));
      }),
    );
    const replies = await waitFor(
      'a reply to both authorisers',
      () => {
        const found = e2e.github.comments(pr).filter((c) => c.author.type === 'Bot' && /^@(carol|dina) /.test(c.body));
        return found.length >= authorisers.length ? found : null;
      },
      { timeoutMs: 60_000 },
    );
    await e2e.quiet();
    e2e.github.clearFailures();

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const followUps = e2e.github
      .issues(repo)
      .filter((issue) => issue.title.startsWith(`Emergency change ${pr.owner}/${pr.repo}#${pr.number}:`));
    expect(followUps).toHaveLength(1);
    const authorised = replies.filter((r) => r.body.includes('authorised this pull request as an emergency change'));
    const refused = replies.filter((r) => r.body.includes('was already authorised as an emergency change by @'));
    expect([authorised.length, refused.length]).toEqual([1, 1]);
    const entries = await e2e.app.query<{ kind: string; data: unknown }>(
      `SELECT kind, data FROM audit_entries WHERE repo = '${pr.owner}/${pr.repo}' AND kind IN ('emergency', 'command') ORDER BY seq`,
    );
    expect(entries.map((e) => e.kind)).toEqual(['emergency', 'command']);
    expect(json(entries[1]?.data)).toMatchObject({ command: 'emergency', outcome: 'refused', reason: 'already authorised' });
    expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).at(-1)?.state).toBe('success');
    expect(e2e.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  }, 120_000);

  it('two deployment statuses for one environment on both replicas: recorded one at a time, each compared with the one before', async () => {
    // The policy is the organisation's, so that naming production's commit as the baseline adds no commit.
    const repo = e2e.newRepo({ policy: null });
    const baseline = e2e.github.defaultBranchHead(repo);
    e2e.github.addRepository({
      owner: repo.owner,
      repo: '.github',
      installationId: repo.installationId,
      files: { [CONFIG_PATH]: `${STANDARD_POLICY}deployments:\n  baseline: '${baseline}'\n` },
    });
    const target = { github: e2e.github, ...repo };
    // Production's commit deployed again, twice (re-runs of a deploy job): nothing new, so the gate approves both.
    const deployments = [1, 2].map(() =>
      e2e.github.createDeployment({ ...repo, environment: 'production', sha: baseline, creator: 'release-bot' }),
    );
    for (const deployment of deployments) {
      const gate = e2e.github.requestDeploymentGate({
        ...repo,
        environment: 'production',
        sha: deployment.sha,
        deploymentId: deployment.id,
      });
      await sendTo(e2e.app, 'deployment_protection_rule', deploymentProtectionRuleEvent(target, gate));
      expect((await waitFor(`the gate's answer on run ${gate.runId}`, () => gate.reviews[0])).state).toBe('approved');
    }
    // Each event as GitHub sends it when its success is posted (the next success makes the earlier one inactive).
    const events = deployments.map((deployment) => {
      e2e.github.addDeploymentStatus({ ...repo, deploymentId: deployment.id, state: 'success' });
      return deploymentStatusEvent(target, deployment);
    });
    // Looking for production on GitHub (when the trail has no deployment yet) takes 500 ms: two statuses recorded at
    // once would both look there, neither seeing the other in the trail.
    e2e.github.injectFailure({ method: 'GET', path: /\/deployments$/, delayMs: 500, passThrough: true });

    const answers = await Promise.all(events.map((event, i) => sendTo(i === 0 ? e2e.app : second, 'deployment_status', event)));
    const rows = await waitFor(
      'both deployment statuses recorded',
      async () => {
        const found = await e2e.app.query<{ data: unknown }>(
          `SELECT data FROM audit_entries WHERE repo = '${repo.owner}/${repo.repo}' AND kind = 'deployment-status' ORDER BY seq`,
        );
        return found.length >= deployments.length ? found : null;
      },
      { timeoutMs: 30_000 },
    );
    await e2e.quiet();
    e2e.github.clearFailures();

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const recorded = rows.map((row) => json(row.data));
    expect(recorded.map((r) => r.deploymentId).sort()).toEqual(deployments.map((d) => d.id).sort());
    // The first was compared with what was in production before either; the second with the first.
    expect(recorded[0]?.previous).not.toMatchObject({ source: 'audit' });
    expect(recorded[1]?.previous).toEqual({ sha: baseline, source: 'audit' });
    expect(e2e.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  }, 120_000);
});
