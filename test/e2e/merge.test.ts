import { describe, expect, it } from '@jest/globals';
import { OWNER, STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestMergedEvent } from './harness/webhooks.js';

/** A merge is evidence: one that bypassed a non-passing verdict becomes an exception issue. */

let e2e: E2E;
useE2E((started) => (e2e = started));

describe('a merged pull request', () => {
  it('merged with a success verdict opens no exception and writes nothing', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    const mark = e2e.github.mark();

    const delivery = await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    expect(e2e.github.callCounts(mark)).toMatchObject({ restWrites: 0 });
    expect(e2e.github.issues(repo)).toEqual([]);
  });

  it('merged past a pending verdict (branch protection bypassed) opens an exception issue naming what was missing', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    expect((await e2e.evaluate(pr)).status.state).toBe('pending');
    const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'admin' });

    const delivery = await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    const [issue, ...more] = e2e.github.issues(repo);
    expect(more).toEqual([]);
    expect(issue?.title).toBe(`Change control exception: ${OWNER}/${repo.repo}#${pr.number} merged without a passing verdict`);
    expect(issue?.body).toContain('was merged by @admin');
    expect(issue?.body).toContain(`Merge commit: \`${mergeSha}\``);
    expect(issue?.body).toMatch(/approval: Needs 1 more independent approval/);
    // The PR's trail comment records the exception.
    expect(e2e.github.comments(pr).map((c) => c.body)).toEqual([expect.stringContaining('<!-- change-control:trail -->')]);
  });

  it('opens the exception in the repository the policy names', async () => {
    const repo = e2e.newRepo({ policy: `${STANDARD_POLICY}audit:\n  exceptions_repo: ${OWNER}/compliance\n` });
    const compliance = { owner: OWNER, repo: 'compliance' };
    e2e.github.addRepository({ ...compliance, installationId: repo.installationId });
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { build: 'failure' });
    expect((await e2e.evaluate(pr)).status.state).toBe('failure');
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'admin' });

    await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();

    expect(e2e.github.issues(repo)).toEqual([]);
    expect(e2e.github.issues(compliance).map((i) => i.title)).toEqual([
      expect.stringContaining(`${OWNER}/${repo.repo}#${pr.number} merged without a passing verdict`),
    ]);
  });
});
