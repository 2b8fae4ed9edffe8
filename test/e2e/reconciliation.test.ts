import { describe, expect, it } from '@jest/globals';
import { OWNER, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { exportJsonl, runCli } from './harness/run-cli.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';

/**
 * Issue 17, part 2 (docs/audit-and-evidence.md#reconciliation): a merge whose `pull_request.closed` delivery never
 * arrived, and a direct push whose `push` delivery never arrived, are found by the reconciliation sweep that
 * `change-control audit reconcile --since DATE` asks for, recorded late with the full evidence (bypass exception and
 * issue), once; the export says up to when each repository is reconciled; a sweep GitHub fails does not move it.
 */

let e2e: E2E;
// No periodic sweep (only the ones asked for), looked for every second; short retries for the 5xx case.
useE2E((started) => (e2e = started), {
  env: {
    RECONCILE_INTERVAL_MINUTES: '0',
    RECONCILE_POLL_SECONDS: '1',
    CHANGE_CONTROL_RETRY_BASE_MS: '500',
    CHANGE_CONTROL_RETRY_MAX_MS: '2000',
    CHANGE_CONTROL_QUEUE_POLL_MS: '200',
  },
});

interface Entry {
  seq: number;
  kind: string;
  data: Record<string, unknown>;
}

async function entries(repo: RepoTarget, kinds: string[]): Promise<Entry[]> {
  const rows = await e2e.app.query<{ seq: number; kind: string; data: string }>(
    `SELECT seq, kind, data FROM audit_entries WHERE kind IN (${kinds.map((k) => `'${k}'`).join(', ')}) AND repo = '${repo.owner}/${repo.repo}' ORDER BY seq`,
  );
  return rows.map((row) => ({ seq: Number(row.seq), kind: row.kind, data: JSON.parse(row.data) as Record<string, unknown> }));
}

async function watermark(repo: RepoTarget): Promise<{ from: string; upTo: string } | null> {
  const [row] = await e2e.app.query<{ reconciled_from: string; reconciled_up_to: string }>(
    `SELECT reconciled_from, reconciled_up_to FROM reconciliation_watermarks WHERE repo = '${repo.owner}/${repo.repo}'`,
  );
  return row ? { from: row.reconciled_from, upTo: row.reconciled_up_to } : null;
}

/** Just after the repository's setup: its first commits (pushed before the app watched it) are outside the window. */
function afterSetup(repo: RepoTarget): string {
  const head = e2e.github.defaultBranchHead(repo);
  return new Date(Date.parse(e2e.github.commitDate({ ...repo, sha: head })) + 1000).toISOString();
}

async function reconcile(repo: RepoTarget, since: string): Promise<void> {
  const run = await runCli(e2e, ['audit', 'reconcile', '--since', since, '--repo', `${repo.owner}/${repo.repo}`]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`Asked the running app to reconcile ${repo.owner}/${repo.repo} since ${since}`);
}

const exportRows = (repo: RepoTarget, exceptions: boolean) => exportJsonl(e2e, repo, { exceptions });

describe('reconciliation', () => {
  it('records late a bypass merge and a direct push whose deliveries never arrived, once; the export says up to when', async () => {
    const repo = e2e.newRepo();
    const since = afterSetup(repo);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    expect((await e2e.evaluate(pr)).status.state).toBe('pending');
    // Merged past the pending gate and pushed to straight after, and neither delivery ever reaches the app.
    const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'admin' });
    const push = e2e.github.pushToBranch({
      ...repo,
      branch: 'main',
      commits: [
        { author: 'admin', message: 'Hotfix while the webhooks were down', files: { 'src/fix.ts': 'export const fixed = true;\n' } },
      ],
    });
    await e2e.quiet();
    const before = Date.now();

    await reconcile(repo, since);
    const first = await waitFor('the sweep to move the watermark', () => watermark(repo), { timeoutMs: 30_000 });
    await waitFor('the late merge evidence and both exceptions', async () => (await entries(repo, ['merge', 'exception'])).length === 4, {
      timeoutMs: 60_000,
    });
    await e2e.quiet();

    expect(first.from).toBe(since);
    expect(Date.parse(first.upTo)).toBeGreaterThanOrEqual(before - 1000);
    const [claim, merge, bypass, directPush, ...more] = await entries(repo, ['merge', 'exception']);
    expect(more).toEqual([]);
    expect(claim).toMatchObject({
      kind: 'merge',
      data: {
        evidence: 'unverified',
        recordedBy: 'reconciliation',
        mergeSha,
        atMerge: { description: expect.stringContaining('recorded late by reconciliation') },
      },
    });
    // The full evidence path ran: the verdict at merge time and the gate's last word, a bypass with its issue.
    expect(merge).toMatchObject({
      kind: 'merge',
      data: {
        evidence: 'verified',
        recordedBy: 'reconciliation',
        claimSeq: claim?.seq,
        mergeSha,
        mergedBy: 'admin',
        gate: { state: 'pending' },
        exceptions: ['bypass'],
      },
    });
    expect(bypass).toMatchObject({ kind: 'exception', data: { type: 'bypass', mergedBy: 'admin', gateState: 'pending' } });
    expect(directPush).toMatchObject({
      kind: 'exception',
      data: { type: 'direct-push', recordedBy: 'reconciliation', branch: 'main', before: mergeSha, after: push.after, sender: null },
    });
    expect((directPush?.data.commits as Array<{ sha: string }>).map((c) => c.sha)).toEqual([push.after]);
    const titles = e2e.github.issues(repo).map((issue) => issue.title);
    expect(titles.sort()).toEqual([
      `Change control exception: ${OWNER}/${repo.repo}#${pr.number} merged without a passing verdict`,
      `Change control exception: direct push to ${OWNER}/${repo.repo}@main`,
    ]);

    // The export marks both as recorded late and says up to when the repository's population is reconciled.
    const [mergeRow, ...otherMerges] = await exportRows(repo, false);
    expect(otherMerges).toEqual([]);
    expect(mergeRow).toMatchObject({ pr: pr.number, evidence: 'verified', recorded_by: 'reconciliation', reconciled_up_to: first.upTo });
    const exceptionRows = await exportRows(repo, true);
    expect(exceptionRows.map((row) => [row.type, row.recorded_by, row.reconciled_up_to])).toEqual([
      ['bypass', 'reconciliation', first.upTo],
      ['direct-push', 'reconciliation', first.upTo],
    ]);

    // `audit show` and `audit trace` say so too.
    const show = await runCli(e2e, ['audit', 'show', `${OWNER}/${repo.repo}#${pr.number}`]);
    expect(show.stdout).toContain('(recorded late by reconciliation)');
    const trace = await runCli(e2e, ['audit', 'trace', push.after.slice(0, 10), '--repo', `${OWNER}/${repo.repo}`]);
    expect(trace.code).toBe(0);
    expect(trace.stdout).toContain('(recorded late by reconciliation)');

    // A second sweep over the same window finds everything on record: nothing new, no second issue. Its cost is the
    // installations and repositories listed (as the app), the policy and one page of merged PRs and commits.
    const mark = e2e.github.mark();
    await reconcile(repo, since);
    await waitFor('the second sweep to move the watermark', async () => (await watermark(repo))?.upTo !== first.upTo, {
      timeoutMs: 30_000,
    });
    await e2e.quiet();
    expect(await entries(repo, ['merge', 'exception'])).toHaveLength(4);
    expect(e2e.github.issues(repo)).toHaveLength(2);
    expect(e2e.github.callCounts(mark)).toMatchObject({ appRequests: 1, graphqlQueries: 2, restReads: 1, restWrites: 0 });
  }, 180_000);

  it('a sweep GitHub answers with 5xx does not move the watermark; retried once GitHub answers, it does', async () => {
    const repo = e2e.newRepo();
    const since = afterSetup(repo);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    await e2e.quiet();
    const fault = e2e.github.injectFailure({ path: '/api/graphql', status: 503 });
    const mark = e2e.github.mark();

    await reconcile(repo, since);
    const graphqlFailures = (): number =>
      e2e.github.requests().filter((r) => r.seq > mark && r.path === '/api/graphql' && r.injected).length;
    await waitFor('the sweep to try GitHub and fail twice', () => graphqlFailures() >= 2, { timeoutMs: 30_000 });

    // Fail closed: no claim to a reconciled population, and nothing recorded from a half-read answer.
    expect(await watermark(repo)).toBeNull();
    expect(await entries(repo, ['merge', 'exception'])).toEqual([]);
    const asked = await runCli(e2e, ['audit', 'reconcile', '--since', since, '--repo', `${OWNER}/${repo.repo}`]);
    expect(asked.stdout).toContain('No repository has been reconciled yet.');

    fault.clear();
    const reconciled = await waitFor('the retried sweep to move the watermark', () => watermark(repo), { timeoutMs: 60_000 });
    await e2e.quiet();
    expect(reconciled.from).toBe(since);
    // The compliant merge, recorded late: no exception, no issue.
    expect(
      (await entries(repo, ['merge', 'exception'])).map((e) => [e.kind, e.data.evidence, e.data.recordedBy, e.data.exceptions]),
    ).toEqual([
      ['merge', 'unverified', 'reconciliation', []],
      ['merge', 'verified', 'reconciliation', []],
    ]);
    expect(e2e.github.issues(repo)).toEqual([]);
  }, 180_000);

  it('refuses a malformed or future --since with exit 2, asking nothing', async () => {
    for (const [since, message] of [
      ['yesterday', '--since must be a date like 2026-01-31, got "yesterday"'],
      ['2999-01-01', '--since (2999-01-01T00:00:00.000Z) must be in the past'],
    ] as const) {
      const run = await runCli(e2e, ['audit', 'reconcile', '--since', since]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`error: ${message}\n`);
    }
  }, 60_000);
});
