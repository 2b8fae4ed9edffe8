import { describe, expect, it } from '@jest/globals';
import { ACTIONS_APP } from '../simulators/index.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { checkRunEvent, statusEvent, type PullTarget } from './harness/webhooks.js';

/**
 * Issue 16, part 1: a required check counts only from the source that may report it. The real app process against the
 * simulators: a contributor or another app posts a success for a required check; the verdict never turns green,
 * the report names what was ignored, and the verdict with the ignored result is in the audit store.
 */

let e2e: E2E;
useE2E((started) => (e2e = started));

const policyRequiring = (required: string): string => STANDARD_POLICY.replace('  required: [build]', `  required: ${required}`);

async function verdictEntries(pr: PullTarget): Promise<Array<{ data: string }>> {
  return e2e.app.query(
    `SELECT data FROM audit_entries WHERE kind = 'verdict' AND repo = '${pr.owner}/${pr.repo}' AND pr_number = ${pr.number} ORDER BY seq`,
  );
}

describe('a forged commit status', () => {
  it('the author posting success over CI’s failure does not count: the gate stays failed', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: policyRequiring('[ci/test]') }));
    e2e.makeReady(pr, { build: null });
    const { headSha } = e2e.github.pullRequest(pr);
    e2e.github.addStatus({ ...pr, sha: headSha, context: 'ci/test', state: 'failure', creator: 'ci-bot' });
    const forged = e2e.github.addStatus({ ...pr, sha: headSha, context: 'ci/test', state: 'success', creator: 'alice' });

    const { status, checkRun } = await e2e.evaluate(pr, { event: 'status', payload: statusEvent(pr, forged) });

    expect(status.state).toBe('failure');
    expect(status.description).toContain('Failed: ci/test');
    const report = unescapeMarkdown(checkRun?.output.summary ?? '');
    expect(report).toContain('Ignored: ci/test reported success by @alice, a contributor to this pull request (the author)');
    const entries = await verdictEntries(pr);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.at(-1)?.data).toContain('ci/test reported success by @alice');
    expect(entries.some((e) => JSON.parse(e.data).verdict.state === 'success')).toBe(false);
  });

  it('a reviewer with write access posting success over CI’s failure does not count: only CI can replace its failure', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: policyRequiring('[ci/test]') }));
    e2e.makeReady(pr, { build: null });
    const { headSha } = e2e.github.pullRequest(pr);
    e2e.github.addStatus({ ...pr, sha: headSha, context: 'ci/test', state: 'failure', creator: 'ci-bot' });
    const forged = e2e.github.addStatus({ ...pr, sha: headSha, context: 'ci/test', state: 'success', creator: 'bob' });

    const forgedVerdict = await e2e.evaluate(pr, { event: 'status', payload: statusEvent(pr, forged) });

    expect(forgedVerdict.status.state).toBe('failure');
    expect(unescapeMarkdown(forgedVerdict.checkRun?.output.summary ?? '')).toContain(
      'Ignored: ci/test reported success by @bob, after a failure reported by @ci-bot; only @ci-bot can replace it',
    );

    // CI's own re-run replaces its failure.
    const rerun = e2e.github.addStatus({ ...pr, sha: headSha, context: 'ci/test', state: 'success', creator: 'ci-bot' });
    const { status } = await e2e.evaluate(pr, { event: 'status', payload: statusEvent(pr, rerun) });
    expect(status.state).toBe('success');
    const states = (await verdictEntries(pr)).map((e) => JSON.parse(e.data).verdict.state);
    expect(states).toEqual(['failure', 'success']);
  });

  it('a reviewer posting success for a status bound to its creator does not count', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: policyRequiring('[{ name: jenkins, creator: ci-bot }]') }));
    e2e.makeReady(pr, { build: null });
    const { headSha } = e2e.github.pullRequest(pr);
    const forged = e2e.github.addStatus({ ...pr, sha: headSha, context: 'jenkins', state: 'success', creator: 'bob' });

    const first = await e2e.evaluate(pr, { event: 'status', payload: statusEvent(pr, forged) });

    expect(first.status.state).toBe('pending');
    expect(unescapeMarkdown(first.checkRun?.output.summary ?? '')).toContain('Ignored: jenkins reported success by @bob, not by @ci-bot');

    // The bound creator's own success then passes: the gate is not stuck.
    const real = e2e.github.addStatus({ ...pr, sha: headSha, context: 'jenkins', state: 'success', creator: 'ci-bot' });
    const second = await e2e.evaluate(pr, { event: 'status', payload: statusEvent(pr, real) });
    expect(second.status.state).toBe('success');
  });
});

describe('a forged check run', () => {
  it('a success from another GitHub App does not count for a check bound to github-actions', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo({ policy: policyRequiring('[{ name: build, app: github-actions }]') }));
    e2e.makeReady(pr, { build: null });
    const { headSha } = e2e.github.pullRequest(pr);
    e2e.github.addCheckRun({ ...pr, sha: headSha, name: 'build', conclusion: 'failure' });
    const forged = e2e.github.addCheckRun({ ...pr, sha: headSha, name: 'build', conclusion: 'success', appId: 777 });

    const { status, checkRun } = await e2e.evaluate(pr, {
      event: 'check_run',
      payload: checkRunEvent(pr, 'completed', { id: forged.id, name: 'build', appId: 777, status: 'completed', conclusion: 'success' }),
    });

    expect(status.state).toBe('failure');
    const report = unescapeMarkdown(checkRun?.output.summary ?? '');
    expect(report).toContain('Ignored: build reported success by app-777, not by github-actions');
    expect(report).toContain(`check run COMPLETED/FAILURE by ${ACTIONS_APP.slug}`);
    expect((await verdictEntries(pr)).some((e) => JSON.parse(e.data).verdict.state === 'success')).toBe(false);
  });
});
