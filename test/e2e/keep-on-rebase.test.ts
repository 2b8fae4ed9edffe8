import { describe, expect, it } from '@jest/globals';
import type { CommitInput } from '../simulators/github/state.js';
import { type E2E } from './harness/start-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestEvent, pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';

/** `approval.keep_on_rebase`: bob approves, main moves, alice rebases onto it and force-pushes. */

let e2e: E2E;
useE2E((started) => (e2e = started));

const policy = (keep: boolean) =>
  ['ticket:', '  projects: [CHG]', 'approval:', '  count: 1', `  keep_on_rebase: ${keep}`, 'checks:', '  required: [build]', ''].join('\n');

const lines = (a: number, c: number) => `export const a = ${a};\nexport const b = 2;\nexport const c = ${c};\n`;
const FILE = 'src/api/get.ts';

interface Case {
  name: string;
  keep: boolean;
  /** What main changes before the rebase. */
  main: { path: string; text: string };
  /** The rebased commits (null: the PR's commit replayed as it was). */
  rebased: CommitInput[] | undefined;
  /** Who rebases and force-pushes (default alice, the author). */
  rebaser?: string;
  state: string;
  compares: number;
  /** What the report says about bob's approval after the rebase. */
  says?: (old: string, head: string) => string;
}

describe('approvals across a rebase', () => {
  it.each<Case>([
    {
      name: 'keep_on_rebase keeps the approval across a rebase onto a main that changed another line of the file',
      keep: true,
      main: { path: FILE, text: lines(10, 3) },
      rebased: [{ files: { [FILE]: lines(10, 4) } }],
      state: 'success',
      compares: 2,
    },
    {
      name: 'keep_on_rebase keeps the approval across a rebase onto a main that changed another file',
      keep: true,
      main: { path: 'docs/changelog.md', text: '# 1.1\n' },
      rebased: undefined,
      state: 'success',
      compares: 2,
    },
    {
      name: 'keep_on_rebase drops the approval when the rebase changed the PR’s diff',
      keep: true,
      main: { path: FILE, text: lines(10, 3) },
      rebased: [{ files: { [FILE]: lines(10, 5) } }],
      state: 'pending',
      compares: 2,
    },
    {
      name: 'keep_on_rebase does not count the approval of whoever rebased (committed and pushed) it',
      keep: true,
      main: { path: 'docs/changelog.md', text: '# 1.1\n' },
      rebased: undefined,
      rebaser: 'bob',
      state: 'pending',
      compares: 2,
      says: (_old, head) => `@bob not counted: committed ${head}`,
    },
    {
      name: 'without keep_on_rebase a rebase makes the approval stale, and nothing is compared',
      keep: false,
      main: { path: 'docs/changelog.md', text: '# 1.1\n' },
      rebased: undefined,
      state: 'pending',
      compares: 0,
    },
  ])('$name', async ({ keep, main, rebased, rebaser = 'alice', state, compares, says }) => {
    const repo = e2e.newRepo({ policy: policy(keep), files: { [FILE]: lines(1, 3) } });
    const pr = e2e.openPullRequest(repo, { commits: [{ files: { [FILE]: lines(1, 4) } }] });
    e2e.makeReady(pr);
    const approved = await e2e.evaluate(pr);
    expect(approved.status.state).toBe('success');
    e2e.github.setFile({ ...repo, ...main });
    const head = e2e.github.rebasePullRequest({ ...pr, committer: rebaser, ...(rebased ? { commits: rebased } : {}) });
    e2e.github.addCheckRun({ ...pr, sha: head, name: 'build', conclusion: 'success' });
    const mark = e2e.github.mark();

    const { status, checkRun } = await e2e.evaluate(pr, { event: 'pull_request', payload: pullRequestEvent(pr, 'synchronize', rebaser) });

    expect(status.state).toBe(state);
    const reads = e2e.github.requests().filter((r) => r.seq > mark && r.path.includes('/compare/'));
    expect(reads).toHaveLength(compares);
    const text = unescapeMarkdown(checkRun?.output.summary);
    const stale = (old: string, to: string) => `@bob not counted: approved ${old}, before the last push to ${to}`;
    const kept = (old: string) => `@bob approved on ${old}, rebased without changes to the PR's diff`;
    const expected = says ?? (state === 'success' ? kept : stale);
    expect(text).toContain(expected(approved.headSha.slice(0, 7), head.slice(0, 7)));
    expect(e2e.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  });
});

async function latestEntry(pr: PullTarget, kind: 'verdict' | 'merge'): Promise<unknown> {
  const rows = await e2e.app.query<{ data: string }>(
    `SELECT data FROM audit_entries WHERE kind = '${kind}' AND repo = '${pr.owner}/${pr.repo}' AND pr_number = ${pr.number} ORDER BY seq DESC LIMIT 1`,
  );
  return JSON.parse(rows[0]?.data ?? '{}');
}

describe('the evidence of an approval kept across a rebase', () => {
  it('the verdict records the compared heads with their merge bases and patch ids; the merge evidence keeps them', async () => {
    const repo = e2e.newRepo({ policy: policy(true), files: { [FILE]: lines(1, 3) } });
    const pr = e2e.openPullRequest(repo, { commits: [{ files: { [FILE]: lines(1, 4) } }] });
    e2e.makeReady(pr);
    const approved = await e2e.evaluate(pr);
    e2e.github.setFile({ ...repo, path: FILE, text: lines(10, 3) });
    const head = e2e.github.rebasePullRequest({ ...pr, committer: 'alice', commits: [{ files: { [FILE]: lines(10, 4) } }] });
    e2e.github.addCheckRun({ ...pr, sha: head, name: 'build', conclusion: 'success' });
    expect((await e2e.evaluate(pr, { event: 'pull_request', payload: pullRequestEvent(pr, 'synchronize', 'alice') })).status.state).toBe(
      'success',
    );

    const verdict = (await latestEntry(pr, 'verdict')) as {
      verdict: { controls: { control: string; evidence: Record<string, unknown> }[] };
    };
    const evidence = verdict.verdict.controls.find((c) => c.control === 'approval')?.evidence;
    const patches = evidence?.patches as { head: string; mergeBase: string; patchId: string }[];
    expect(patches.map((p) => p.head)).toEqual([head, approved.headSha]);
    expect(patches[0]?.patchId).toMatch(/^[0-9a-f]{64}$/);
    expect(patches[1]?.patchId).toBe(patches[0]?.patchId);
    expect(patches[0]?.mergeBase).not.toBe(patches[1]?.mergeBase);
    const rebased = { approvedHead: approved.headSha, head, patchId: patches[0]?.patchId };
    expect(evidence?.counted).toEqual([expect.objectContaining({ login: 'bob', commitSha: approved.headSha, rebased })]);

    e2e.github.mergePullRequest({ ...pr, mergedBy: 'alice' });
    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await e2e.quiet();
    expect(await latestEntry(pr, 'merge')).toMatchObject({ approvers: [expect.objectContaining({ login: 'bob', rebased })] });
  });
});
