import { describe, expect, it } from '@jest/globals';
import { blobOid } from '../simulators/github/model.js';
import { CONFIG_PATH, OWNER, STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { pullRequestEvent } from './harness/webhooks.js';

/** Where the policy comes from (default branches only, the org's `.github` repo as fallback) and what a bad one does. */

let e2e: E2E;
useE2E((started) => (e2e = started));

const LENIENT_POLICY = ['ticket:', '  provider: none', 'approval:', '  count: 0', ''].join('\n');

describe('the policy is read from the default branch, never from the pull request', () => {
  it('applies the strict default-branch policy although the PR relaxes it', async () => {
    const repo = e2e.newRepo({ policy: STANDARD_POLICY });
    const pr = e2e.openPullRequest(repo, { title: 'Relax the change policy', commits: [{ files: { [CONFIG_PATH]: LENIENT_POLICY } }] });

    const { status, checkRun } = await e2e.evaluate(pr);

    // Under the PR's version this would pass; under the default branch's it cannot: no ticket, approval or build.
    expect(status.state).toBe('failure');
    expect(status.description).toMatch(/^No CHG ticket in the title, branch or body/);
    expect(checkRun?.output.text).toContain(`Policy: \`${OWNER}/${repo.repo}:${CONFIG_PATH}@${blobOid(STANDARD_POLICY).slice(0, 7)}\``);
    expect(e2e.github.fileReads()).toEqual([
      expect.objectContaining({ repo: `${OWNER}/${repo.repo}`, branch: 'main', onDefaultBranch: true, path: CONFIG_PATH }),
    ]);
  });

  it('applies the lenient default-branch policy although the PR tightens it', async () => {
    const repo = e2e.newRepo({ policy: LENIENT_POLICY });
    const pr = e2e.openPullRequest(repo, { title: 'Tighten the change policy', commits: [{ files: { [CONFIG_PATH]: STANDARD_POLICY } }] });

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(e2e.github.fileReads().every((read) => read.onDefaultBranch)).toBe(true);
  });

  it("falls back to the organisation's .github repository when the repository has no policy", async () => {
    const repo = e2e.newRepo({ policy: null });
    e2e.github.addRepository({
      owner: OWNER,
      repo: '.github',
      installationId: repo.installationId,
      files: { [CONFIG_PATH]: STANDARD_POLICY },
    });
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(checkRun?.output.text).toContain(`Policy: \`${OWNER}/.github:${CONFIG_PATH}@`);
  });
});

describe('pull requests outside the policy get no status at all', () => {
  it.each([
    { name: 'no policy in the repository or the organisation', policy: null, baseRef: undefined },
    { name: 'a base branch the policy does not control', policy: `branches: [main]\n${STANDARD_POLICY}`, baseRef: 'develop' },
  ])('$name', async ({ policy, baseRef }) => {
    const repo = e2e.newRepo({ policy });
    const opened = e2e.github.openPullRequest({ ...repo, title: 'CHG-1: tidy up', author: 'alice', headRef: 'tidy', baseRef });
    const pr = { github: e2e.github, ...repo, number: opened.number };
    const mark = e2e.github.mark();

    const delivery = await e2e.send('pull_request', pullRequestEvent(pr, 'opened'));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    expect(e2e.github.callCounts(mark)).toEqual({ tokenRequests: 1, appRequests: 0, graphqlQueries: 1, restReads: 0, restWrites: 0 });
    expect(e2e.jira.requests()).toEqual([]);
  });
});

describe('an invalid policy', () => {
  it.each([
    {
      name: 'a value of the wrong type',
      policy: ['ticket:', '  projects: [CHG]', 'approval:', '  count: two', ''].join('\n'),
      error: /approval\.count must be a whole number ≥ 0, got "two" \(line 4\)/,
    },
    {
      name: 'a misspelt key',
      policy: ['ticket:', '  projects: [CHG]', 'aproval:', '  count: 1', ''].join('\n'),
      error: /aproval is not a known key; allowed keys: [a-z_, ]*\bapproval\b[a-z_, ]* \(line 3\)/,
    },
    {
      name: 'broken YAML',
      policy: ['ticket:', '  projects: [CHG', 'approval: {}', ''].join('\n'),
      error: /invalid YAML: .* \(line \d+\)/,
    },
  ])('($name) fails closed: error status, and a check run naming the key and the line', async ({ policy, error }) => {
    const repo = e2e.newRepo({ policy });
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toMatch(/^Cannot evaluate: /);
    expect(checkRun).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain(`- ${OWNER}/${repo.repo}:${CONFIG_PATH}: `);
    expect(summary).toMatch(error);
    expect(summary).toContain(`Fix ${OWNER}/${repo.repo}:${CONFIG_PATH} on its default branch.`);
    // No ticket is looked up under a policy that cannot be read.
    expect(e2e.jira.requests()).toEqual([]);
  });
});
