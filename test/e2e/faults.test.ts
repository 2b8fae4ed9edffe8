import { describe, expect, it } from '@jest/globals';
import type { FailureRule } from '../simulators/github/create-github-simulator.js';
import type { JiraOutage } from '../simulators/index.js';
import type { E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { pullRequestEvent, type PullTarget } from './harness/webhooks.js';

/**
 * Faults around the app, injected at the simulators: each must give no false success, and the queued work must be
 * retried (without any new webhook) and finished once the fault clears, with every audit entry written.
 */

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: {
    CHANGE_CONTROL_RETRY_BASE_MS: '500',
    CHANGE_CONTROL_RETRY_MAX_MS: '2000',
    CHANGE_CONTROL_QUEUE_POLL_MS: '200',
    GITHUB_TIMEOUT_MS: '1500',
    JIRA_TIMEOUT_MS: '1000',
  },
});

const states = (pr: PullTarget, sha: string): string[] =>
  e2e.github.statuses({ ...pr, sha, context: 'change-control' }).map((s) => s.state);

async function waitForState(pr: PullTarget, sha: string, state: string): Promise<void> {
  await waitFor(`a ${state} change-control status on ${sha.slice(0, 7)}`, () => states(pr, sha).at(-1) === state, { timeoutMs: 60_000 });
}

/** The verdicts the app recorded for the PR, oldest first. */
async function recordedVerdicts(pr: PullTarget): Promise<string[]> {
  const rows = await e2e.app.query<{ data: string }>(
    `SELECT data FROM audit_entries WHERE kind = 'verdict' AND repo = '${pr.owner}/${pr.repo}' AND pr_number = ${pr.number} ORDER BY seq`,
  );
  return rows.map((row) => (JSON.parse(row.data) as { verdict: { state: string } }).verdict.state);
}

/** Opens a ready PR, applies the fault, delivers `opened`, and returns the PR and its head. */
async function openUnder(fault: () => { clear(): void }): Promise<{ pr: PullTarget; sha: string; fault: { clear(): void } }> {
  const pr = e2e.openPullRequest(e2e.newRepo());
  e2e.makeReady(pr);
  const applied = fault();
  const delivery = await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
  expect(delivery.status).toBe(200);
  return { pr, sha: e2e.github.pullRequest(pr).headSha, fault: applied };
}

describe('GitHub fails', () => {
  it('GraphQL answering 502 on every try: an error status, then the real verdict by itself once GitHub is back', async () => {
    const { pr, sha, fault } = await openUnder(() => e2e.github.injectFailure({ path: '/api/graphql', status: 502 }));

    await waitForState(pr, sha, 'error');
    fault.clear();
    await waitForState(pr, sha, 'success');
    await e2e.quiet();

    expect(states(pr, sha)).toEqual(['error', 'success']);
    expect(await recordedVerdicts(pr)).toEqual(['error', 'success']);
  }, 90_000);

  it.each<{ name: string; rule: FailureRule }>([
    {
      name: 'a secondary rate limit (403 with Retry-After)',
      rule: {
        path: '/api/graphql',
        status: 403,
        times: 2,
        headers: { 'retry-after': '1' },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      },
    },
    {
      name: 'a rate limit answered 429 with Retry-After',
      rule: {
        path: '/api/graphql',
        status: 429,
        times: 2,
        headers: { 'retry-after': '1' },
        body: { message: 'You have exceeded a secondary rate limit.' },
      },
    },
    { name: 'garbage instead of JSON', rule: { path: '/api/graphql', status: 200, times: 2, body: '{"data": <html>' } },
    { name: 'an answer slower than the request deadline', rule: { path: '/api/graphql', times: 1, delayMs: 3000, passThrough: true } },
    { name: 'the status write failing with 502', rule: { method: 'POST', path: /\/statuses\//, status: 502, times: 4 } },
  ])(
    '$name: never a success before GitHub answers, and the real verdict in the end',
    async ({ rule }) => {
      const { pr, sha } = await openUnder(() => e2e.github.injectFailure(rule));

      await waitForState(pr, sha, 'success');
      await e2e.quiet();

      // Anything before the success is an error, never a pass the facts did not support.
      expect(
        states(pr, sha)
          .slice(0, -1)
          .every((state) => state === 'error'),
      ).toBe(true);
      expect((await recordedVerdicts(pr)).at(-1)).toBe('success');
      expect(e2e.github.requests().some((r) => r.injected)).toBe(true);
    },
    90_000,
  );
});

describe('Jira fails', () => {
  it.each<JiraOutage>(['unavailable', 'hang', 'garbage'])(
    'Jira %s: an error status, then the real verdict by itself once Jira is back',
    async (outage) => {
      const { pr, sha } = await openUnder(() => {
        e2e.jira.setDown(outage);
        return { clear: () => e2e.jira.setDown(false) };
      });

      await waitForState(pr, sha, 'error');
      e2e.jira.setDown(false);
      await waitForState(pr, sha, 'success');
      await e2e.quiet();

      expect(states(pr, sha)).toEqual(['error', 'success']);
      expect(await recordedVerdicts(pr)).toEqual(['error', 'success']);
    },
    60_000,
  );
});
