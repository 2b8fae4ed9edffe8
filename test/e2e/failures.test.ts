import { describe, expect, it } from '@jest/globals';
import type { JiraOutage } from '../simulators/index.js';
import { APP_ID, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { checkRunEvent, pullRequestEvent } from './harness/webhooks.js';

/** When Jira or GitHub cannot answer, the verdict is `error`: never a pass, never a control failure. */

const JIRA_TIMEOUT_MS = 1000;
let e2e: E2E;
useE2E((started) => (e2e = started), { env: { JIRA_TIMEOUT_MS: String(JIRA_TIMEOUT_MS) } });

describe('Jira cannot answer', () => {
  it.each<{ outage: JiraOutage; reason: RegExp }>([
    { outage: 'unavailable', reason: /Jira failed to answer for CHG-1 \(HTTP 503\)/ },
    { outage: 'reset', reason: /Jira could not be reached at http:\/\/127\.0\.0\.1:\d+ for CHG-1 \(ECONNRESET\)/ },
    { outage: 'hang', reason: new RegExp(`Jira did not answer within ${JIRA_TIMEOUT_MS} ms for CHG-1`) },
  ])('($outage) gives an error status and a failed check run, never success', async ({ outage, reason }) => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    e2e.jira.setDown(outage);

    const { status, checkRun, headSha } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toMatch(/^Cannot evaluate: Jira lookup of CHG-1 failed: /);
    expect(checkRun).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(unescapeMarkdown(checkRun?.output.summary)).toMatch(reason);
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain('Re-run the Change control check once Jira is reachable.');
    expect(e2e.github.statuses({ ...pr, sha: headSha }).map((s) => s.state)).not.toContain('success');
  });

  it('an unchanged error is not written again when the same event comes back', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    e2e.jira.setDown('unavailable');
    await e2e.evaluate(pr);
    const mark = e2e.github.mark();

    const again = await e2e.send('pull_request', pullRequestEvent(pr, 'synchronize'));
    await e2e.quiet();

    expect(again.status).toBe(200);
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 1, restWrites: 0 });
  });

  it('refusing our credentials gives an error that names the variables to fix', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    e2e.jira.setCredentials({ cloud: { email: 'someone-else@acme.test', apiToken: 'rotated' } });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain(
      'Jira refused the credentials (HTTP 401) when reading CHG-1; check JIRA_EMAIL and JIRA_API_TOKEN',
    );
  });

  it('a re-run of the check after Jira recovers replaces the error with the real verdict', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    e2e.jira.setDown('unavailable');
    const failed = await e2e.evaluate(pr);
    expect(failed.status.state).toBe('error');

    e2e.jira.setDown(false);
    const rerun = checkRunEvent(pr, 'rerequested', { ...failed.checkRun!, appId: APP_ID });
    const { status, checkRun } = await e2e.evaluate(pr, { event: 'check_run', payload: rerun });

    expect(status.state).toBe('success');
    // A completed check run is kept as the record of the error; the re-run gets its own.
    expect(checkRun).toMatchObject({ conclusion: 'success' });
    expect(checkRun?.id).not.toBe(failed.checkRun?.id);
  });
});

describe('GitHub cannot answer', () => {
  it('a GraphQL 502 that clears on retry is invisible: the verdict is the real one', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    e2e.github.injectFailure({ path: '/api/graphql', status: 502, times: 1 });

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(
      e2e.github
        .requests()
        .filter((r) => r.kind === 'graphql')
        .map((r) => r.status),
    ).toEqual([502, 200]);
  });

  it('GraphQL answering 502 (after Octokit retries) gives an error status on the head the event named', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);
    e2e.github.injectFailure({ path: '/api/graphql', status: 502 });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toMatch(/^Cannot evaluate: GitHub could not be read: /);
    // Without facts there is no report to show: only the status blocks the merge.
    expect(checkRun).toBeUndefined();
    const queries = e2e.github.requests().filter((r) => r.kind === 'graphql');
    expect(queries.length).toBeGreaterThan(1); // Octokit's retry plugin tried again
    expect(queries.every((r) => r.injected && r.status === 502)).toBe(true);
    expect(e2e.jira.requests()).toEqual([]);
  }, 60_000);
});
