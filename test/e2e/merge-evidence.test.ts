import { describe, expect, it } from '@jest/globals';
import { OWNER, type E2E } from './harness/start-e2e.js';
import { runCli } from './harness/run-cli.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';

/**
 * Durable merge evidence (docs/audit.md#merge-evidence): the `closed` delivery records an unverified claim at once
 * and queues the full evidence, which the worker reads back from GitHub, retried (without a new webhook) until
 * GitHub answers; facts GitHub can never give are an `evidence-incomplete` exception with an issue.
 */

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: { CHANGE_CONTROL_RETRY_BASE_MS: '500', CHANGE_CONTROL_RETRY_MAX_MS: '2000', CHANGE_CONTROL_QUEUE_POLL_MS: '200' },
});

interface Entry {
  seq: number;
  kind: string;
  data: Record<string, unknown>;
}

/** The PR's merge and exception entries, oldest first. */
async function mergeEntries(pr: PullTarget): Promise<Entry[]> {
  const rows = await e2e.app.query<{ seq: number; kind: string; data: string }>(
    `SELECT seq, kind, data FROM audit_entries WHERE kind IN ('merge', 'exception') AND repo = '${pr.owner}/${pr.repo}' AND pr_number = ${pr.number} ORDER BY seq`,
  );
  return rows.map((row) => ({ seq: Number(row.seq), kind: row.kind, data: JSON.parse(row.data) as Record<string, unknown> }));
}

const graphqlCalls = (since: number): number =>
  e2e.github.requests().filter((r) => r.seq > since && r.method === 'POST' && r.path === '/api/graphql').length;

describe('merge evidence through the queue', () => {
  it('a bypass merged while GitHub answers 503: the claim at once, the evidence and its issue once GitHub answers, no new webhook', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    expect((await e2e.evaluate(pr)).status.state).toBe('pending');
    const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'admin' });
    const fault = e2e.github.injectFailure({ path: '/api/graphql', status: 503 });
    const mark = e2e.github.mark();

    const delivery = await e2e.send('pull_request', pullRequestMergedEvent(pr));

    expect(delivery.status).toBe(200);
    // On record before GitHub could be read: the claim from the delivery, marked unverified, deciding nothing.
    const [claim, ...none] = await mergeEntries(pr);
    expect(none).toEqual([]);
    expect(claim).toMatchObject({
      kind: 'merge',
      data: { evidence: 'unverified', mergeSha, mergedBy: 'admin', gate: null, atMerge: { state: 'unverified' }, exceptions: [] },
    });
    // The export shows the merge, as unverified.
    const unverified = await runCli(e2e, ['audit', 'export', '--since', '2000-01-01', '--until', '2100-01-01', '--format', 'jsonl']);
    expect(unverified.stdout).toContain(`"evidence":"unverified"`);
    await waitFor('the worker to try GitHub and fail', () => graphqlCalls(mark) >= 2, { timeoutMs: 30_000 });
    expect(e2e.github.issues(repo)).toEqual([]);

    fault.clear();
    await waitFor('the verified merge evidence', async () => (await mergeEntries(pr)).length === 3, { timeoutMs: 60_000 });
    await e2e.quiet();

    const [first, merge, exception, ...more] = await mergeEntries(pr);
    expect(more).toEqual([]);
    expect(first?.seq).toBe(claim?.seq);
    expect(merge).toMatchObject({
      kind: 'merge',
      data: { evidence: 'verified', claimSeq: claim?.seq, mergeSha, mergedBy: 'admin', gate: { state: 'pending' }, exceptions: ['bypass'] },
    });
    expect(exception).toMatchObject({ kind: 'exception', data: { type: 'bypass', mergedBy: 'admin', gateState: 'pending' } });
    const [issue, ...moreIssues] = e2e.github.issues(repo);
    expect(moreIssues).toEqual([]);
    expect(issue?.title).toBe(`Change control exception: ${OWNER}/${repo.repo}#${pr.number} merged without a passing verdict`);
    expect(exception?.data.issueUrl).toMatch(new RegExp(`/issues/${String(issue?.number)}$`));
    // One row per merge in the export, now verified.
    const verified = await runCli(e2e, ['audit', 'export', '--since', '2000-01-01', '--until', '2100-01-01', '--format', 'jsonl']);
    const rows = verified.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { pr: number; evidence: string; repo: string })
      .filter((row) => row.repo === `${OWNER}/${repo.repo}`);
    expect(rows).toEqual([expect.objectContaining({ pr: pr.number, evidence: 'verified' })]);
  }, 120_000);

  it('a merge whose facts can never be read (more than 100 co-authors) is an evidence-incomplete exception with an issue', async () => {
    const repo = e2e.newRepo();
    const coAuthors = Array.from({ length: 101 }, (_, i) => `dev${i}`);
    const pr = e2e.openPullRequest(repo, { commits: [{ coAuthors }] });
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('error');
    const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'admin' });

    await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();

    const [claim, merge, exception, ...more] = await mergeEntries(pr);
    expect(more).toEqual([]);
    expect(claim?.data).toMatchObject({ evidence: 'unverified' });
    expect(merge).toMatchObject({
      kind: 'merge',
      data: { evidence: 'incomplete', claimSeq: claim?.seq, mergeSha, exceptions: ['evidence-incomplete'], gate: { state: 'error' } },
    });
    expect(exception).toMatchObject({
      kind: 'exception',
      data: { type: 'evidence-incomplete', mergedBy: 'admin', missing: [expect.stringMatching(/has 102 authors; GitHub returned 100/)] },
    });
    const [issue, ...moreIssues] = e2e.github.issues(repo);
    expect(moreIssues).toEqual([]);
    expect(issue?.title).toBe(`Change control exception: ${OWNER}/${repo.repo}#${pr.number} merged; its evidence is incomplete`);
    expect(issue?.body).toContain('has 102 authors');
    // `audit trace` of the merge commit names the state.
    const trace = await runCli(e2e, ['audit', 'trace', mergeSha]);
    expect(trace.stdout).toContain('evidence: incomplete');
  }, 120_000);

  it('a verified merge costs one GraphQL query and no GitHub write when the gate passed; the claim costs no call', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    const mark = e2e.github.mark();

    await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();

    expect(e2e.github.callCounts(mark)).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 1, restReads: 0, restWrites: 0 });
    expect((await mergeEntries(pr)).map((e) => e.data.evidence)).toEqual(['unverified', 'verified']);
  }, 120_000);
});
