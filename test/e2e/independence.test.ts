import { describe, expect, it } from '@jest/globals';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';

/** Segregation of duties end to end: committers, requests for changes and approver teams. */

let e2e: E2E;
useE2E((started) => (e2e = started));

const policy = (approval: string[]) =>
  ['ticket:', '  projects: [CHG]', 'approval:', ...approval.map((l) => `  ${l}`), 'checks:', '  required: [build]', ''].join('\n');

describe('who may approve', () => {
  it('does not count the approval of someone who only committed (rebased) a commit written by another', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo, { commits: [{ author: 'alice', committer: 'bob' }] });
    e2e.makeReady(pr, { reviewer: 'bob' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('pending');
    expect(unescapeMarkdown(checkRun?.output.summary)).toMatch(/@bob not counted: committed [0-9a-f]{7}/);
  });

  it('blocks on a request for changes by someone with write access, whatever other approvals say', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: 'bob' });
    e2e.github.addReview({ ...pr, reviewer: 'erin', state: 'CHANGES_REQUESTED' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toMatch(/Changes requested by erin/);
    expect(unescapeMarkdown(checkRun?.output.summary)).toMatch(
      /@erin requested changes \(blocks until they approve or the review is dismissed\)/,
    );
  });

  it('does not block on a request for changes by someone without write access', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: 'bob' });
    e2e.github.addReview({ ...pr, reviewer: 'outsider', state: 'CHANGES_REQUESTED', canPush: false });

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
  });

  it('counts only members of approval.teams', async () => {
    e2e.github.addTeam({ org: 'acme', slug: 'release-managers', members: ['grace'] });
    const repo = e2e.newRepo({ policy: policy(['count: 1', 'teams: [acme/release-managers]']) });
    const outsider = e2e.openPullRequest(repo);
    e2e.makeReady(outsider, { reviewer: 'bob' });

    const first = await e2e.evaluate(outsider);

    expect(first.status.state).toBe('pending');
    expect(unescapeMarkdown(first.checkRun?.output.summary)).toMatch(/@bob not counted: not in acme\/release-managers/);

    e2e.github.addReview({ ...outsider, reviewer: 'grace' });
    const second = await e2e.evaluate(outsider, { event: 'pull_request' });

    expect(second.status.state).toBe('success');
    expect(second.status.description).toMatch(/by grace/);
  });
});
