import { describe, expect, it } from '@jest/globals';
import { type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestEvent } from './harness/webhooks.js';

/** Approval options that need more than the GraphQL facts: changed paths (REST files) and clean base merges (REST compare). */

let e2e: E2E;
useE2E((started) => (e2e = started));

const policy = (approval: string[]) =>
  ['ticket:', '  projects: [CHG]', 'approval:', ...approval.map((l) => `  ${l}`), 'checks:', '  required: [build]', ''].join('\n');

const LEDGER_POLICY = policy(['count: 1', 'rules:', "  - paths: ['src/ledger/**']", '    count: 2']);
const LEDGER_FILE = { 'src/ledger/post.ts': 'export const post = 1;\n' };

interface PathCase {
  name: string;
  files: Record<string, string | null>;
  reviewers: string[];
  state: string;
}

describe('path rules', () => {
  it.each<PathCase>([
    {
      name: 'a PR touching a ruled path with one approval waits for the second',
      files: { 'src/ledger/post.ts': 'export const post = 2;\n' },
      reviewers: ['bob'],
      state: 'pending',
    },
    {
      name: 'a PR touching a ruled path with two approvals passes',
      files: { 'src/ledger/post.ts': 'export const post = 2;\n' },
      reviewers: ['bob', 'erin'],
      state: 'success',
    },
    {
      name: 'a PR elsewhere needs only the default approval',
      files: { 'src/api/get.ts': 'export const get = 1;\n' },
      reviewers: ['bob'],
      state: 'success',
    },
    {
      name: 'a rename out of a ruled path counts as touching it',
      files: { 'src/ledger/post.ts': null, 'src/archive/post.ts': 'export const post = 1;\n' },
      reviewers: ['bob'],
      state: 'pending',
    },
  ])('$name', async ({ files, reviewers, state }) => {
    const repo = e2e.newRepo({ policy: LEDGER_POLICY, files: LEDGER_FILE });
    const pr = e2e.openPullRequest(repo, { commits: [{ files }] });
    e2e.makeReady(pr, { reviewer: null });
    for (const reviewer of reviewers) e2e.github.addReview({ ...pr, reviewer });
    const mark = e2e.github.mark();

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe(state);
    const reads = e2e.github.requests().filter((r) => r.seq > mark && r.method === 'GET');
    expect(reads.map((r) => r.path)).toEqual([`/api/v3/repos/${pr.owner}/${pr.repo}/pulls/${pr.number}/files`]);
  });
});

describe('merging the base branch into an approved PR', () => {
  it.each([
    { name: 'a clean "Update branch" keeps the approval when ignore_base_merges is on', ignore: true, extra: undefined, state: 'success' },
    {
      name: 'an edit slipped into the merge invalidates the approval',
      ignore: true,
      extra: { 'src/api/get.ts': 'export const get = 666;\n' },
      state: 'pending',
    },
    { name: 'without ignore_base_merges any push invalidates the approval', ignore: false, extra: undefined, state: 'pending' },
  ])('$name', async ({ ignore, extra, state }) => {
    const repo = e2e.newRepo({
      policy: policy(['count: 1', `ignore_base_merges: ${ignore}`]),
      files: { 'src/api/get.ts': 'export const get = 1;\n' },
    });
    const pr = e2e.openPullRequest(repo, { commits: [{ files: { 'src/api/get.ts': 'export const get = 2;\n' } }] });
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    e2e.github.setFile({ ...repo, path: 'docs/changelog.md', text: '# 1.1\n' });
    const merged = e2e.github.mergeBaseIntoPullRequest({ ...pr, author: 'alice', committedViaWeb: true, extraFiles: extra });
    e2e.github.addCheckRun({ ...pr, sha: merged, name: 'build', conclusion: 'success' });

    const { status } = await e2e.evaluate(pr, { event: 'pull_request', payload: pullRequestEvent(pr, 'synchronize', 'alice') });

    expect(status.state).toBe(state);
  });
});
