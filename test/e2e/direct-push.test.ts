import { describe, expect, it } from '@jest/globals';
import { OWNER, STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { pushEvent } from './harness/push-webhooks.js';
import { exportJsonl, runCli } from './harness/run-cli.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';

/**
 * Issue 17, part 3: a push to a controlled branch whose commits no merged PR brought is a `direct-push` exception,
 * with the pusher, an issue, an export row and `audit trace`; the push that merges a compliant PR, a tag and an
 * uncontrolled branch raise nothing.
 */

let e2e: E2E;
// Short retries, for the push read while GitHub is down.
useE2E((started) => (e2e = started), {
  env: { CHANGE_CONTROL_RETRY_BASE_MS: '500', CHANGE_CONTROL_RETRY_MAX_MS: '2000', CHANGE_CONTROL_QUEUE_POLL_MS: '200' },
});

const target = (repo: RepoTarget) => ({ github: e2e.github, ...repo });

const exceptionRows = (repo: RepoTarget) => exportJsonl(e2e, repo, { exceptions: true });

describe('a push to a controlled branch', () => {
  it("records an admin's direct commit to main as a direct-push exception with an issue, an export row and a trace", async () => {
    const repo = e2e.newRepo();
    const push = e2e.github.pushToBranch({
      ...repo,
      branch: 'main',
      commits: [{ author: 'admin', message: 'Hotfix straight to main', files: { 'src/fix.ts': 'export const fixed = true;\n' } }],
    });
    const mark = e2e.github.mark();

    const delivery = await e2e.send('push', pushEvent(target(repo), push, 'admin'));
    expect(delivery.status).toBe(200);
    const issue = await waitFor('the direct-push issue', () => e2e.github.issues(repo).find((i) => i.title.includes('direct push')));
    await e2e.quiet();

    expect(issue.title).toBe(`Change control exception: direct push to ${OWNER}/${repo.repo}@main`);
    expect(issue.body).toContain('@admin (git pusher admin) pushed directly to `main`');
    expect(issue.body).toContain(`${push.after.slice(0, 7)} by admin: Hotfix straight to main`);
    // 1 GraphQL (policy) + 1 compare + 1 GraphQL (associated PRs) read; the issue is the only write.
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 2, restReads: 1, restWrites: 1 });

    const rows = await exceptionRows(repo);
    expect(rows).toEqual([
      expect.objectContaining({
        type: 'direct-push',
        base: 'main',
        head_sha: push.after,
        merged_by: 'admin',
        author: 'admin',
        issue_url: expect.stringContaining(`/issues/${issue.number}`),
        exceptions: expect.arrayContaining(['1 of 1 commit came from no merged pull request into main']),
      }),
    ]);

    const trace = await runCli(e2e, ['audit', 'trace', push.after.slice(0, 10), '--repo', `${OWNER}/${repo.repo}`]);
    expect(trace.code).toBe(0);
    expect(trace.stdout).toContain('Direct pushes (exceptions: no merged pull request brought these commits):');
    expect(trace.stdout).toContain('main: pushed directly by admin (git pusher admin)');
    expect(trace.stdout).toContain(`${push.after.slice(0, 7)} admin: Hotfix straight to main (no merged PR)`);
  });

  it('records a force-push with forced: true and the commits it took off the branch', async () => {
    const repo = e2e.newRepo();
    const first = e2e.github.pushToBranch({ ...repo, branch: 'main', commits: [{ author: 'carol', message: 'Work to be erased' }] });
    const push = e2e.github.forcePushBranch({
      ...repo,
      branch: 'main',
      onto: first.before,
      commits: [{ author: 'mallory', message: 'Rewritten history', files: { 'README.md': 'rewritten\n' } }],
    });

    expect((await e2e.send('push', pushEvent(target(repo), push, 'mallory'))).status).toBe(200);
    const issue = await waitFor('the force-push issue', () => e2e.github.issues(repo).find((i) => i.title.includes('force-push')));
    await e2e.quiet();

    expect(issue.title).toBe(`Change control exception: direct force-push to ${OWNER}/${repo.repo}@main`);
    expect(issue.body).toContain('force-push: 1 commit taken off main, history rewritten');
    const show = await runCli(e2e, ['audit', 'trace', push.after, '--json']);
    expect(show.code).toBe(0);
    const traced = JSON.parse(show.stdout) as { directPushes: Array<{ record: Record<string, unknown> }> };
    expect(traced.directPushes.map((p) => p.record)).toEqual([
      expect.objectContaining({
        type: 'direct-push',
        forced: true,
        before: first.after,
        after: push.after,
        sender: 'mallory',
        commits: [expect.objectContaining({ sha: push.after, pullRequest: null })],
        removed: [expect.objectContaining({ sha: first.after, headline: 'Work to be erased' })],
        complete: true,
      }),
    ]);
  });

  it('raises nothing for the push that merges a compliant pull request', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    const before = e2e.github.data.repos.get(`${OWNER}/${repo.repo}`.toLowerCase())!.branches.get('main')!;
    const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    const mark = e2e.github.mark();

    expect((await e2e.send('push', pushEvent(target(repo), { branch: 'main', before, after: mergeSha }, 'bob'))).status).toBe(200);
    await e2e.quiet();

    expect(e2e.github.issues(repo)).toEqual([]);
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 2, restReads: 1, restWrites: 0 });
    expect(await exceptionRows(repo)).toEqual([]);
  });

  it('ignores a tag push and a push to a branch the policy does not control', async () => {
    const repo = e2e.newRepo({ policy: `${STANDARD_POLICY}branches: [main, 'release/*']\n` });
    const head = e2e.github.data.repos.get(`${OWNER}/${repo.repo}`.toLowerCase())!.branches.get('main')!;
    e2e.github.data.repos.get(`${OWNER}/${repo.repo}`.toLowerCase())!.branches.set('feature/x', head);
    const feature = e2e.github.pushToBranch({ ...repo, branch: 'feature/x', commits: [{ author: 'alice', message: 'WIP' }] });
    const mark = e2e.github.mark();

    const tag = await e2e.send('push', pushEvent(target(repo), { ref: 'refs/tags/v1.0.0', after: head, created: true }, 'admin'));
    const branch = await e2e.send('push', pushEvent(target(repo), feature, 'alice'));
    await e2e.quiet();

    expect([tag.status, branch.status]).toEqual([200, 200]);
    expect(e2e.github.issues(repo)).toEqual([]);
    // The tag is dropped by the handler; the branch costs the policy read only.
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 1, restReads: 0, restWrites: 0 });
    expect(await exceptionRows(repo)).toEqual([]);
  });

  it('is retried while GitHub cannot list its commits, and recorded once GitHub answers again (no new webhook)', async () => {
    const repo = e2e.newRepo();
    const push = e2e.github.pushToBranch({ ...repo, branch: 'main', commits: [{ author: 'admin', message: 'Pushed during an outage' }] });
    const outage = e2e.github.injectFailure({ path: /\/compare\//, status: 503 });

    expect((await e2e.send('push', pushEvent(target(repo), push, 'admin'))).status).toBe(200);
    // Octokit's own retries, then the queue's: several failed reads, and nothing recorded or opened meanwhile.
    await waitFor('the queue to retry the push', () => e2e.github.requests().filter((r) => r.injected).length >= 6, { timeoutMs: 60_000 });
    expect(e2e.github.issues(repo)).toEqual([]);
    expect(await exceptionRows(repo)).toEqual([]);

    outage.clear();
    const issue = await waitFor('the direct-push issue', () => e2e.github.issues(repo).find((i) => i.title.includes('direct push')), {
      timeoutMs: 30_000,
    });
    await e2e.quiet();
    expect(issue.body).toContain('Pushed during an outage');
    expect(await exceptionRows(repo)).toEqual([expect.objectContaining({ type: 'direct-push', head_sha: push.after })]);
  }, 120_000);
});
