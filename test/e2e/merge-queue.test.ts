import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { SimMergeGroup } from '../simulators/github/state.js';
import { APP_ID, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { checkRunEvent, mergeGroupEvent, pullRequestMergedEvent, statusEvent } from './harness/webhooks.js';

/** GitHub's merge queue: the app judges each group on its head commit from the PRs it holds, as they stand now. */

const SECRET = 'jira-webhook-secret-for-merge-queue';
let e2e: E2E;
useE2E((started) => (e2e = started), { env: { JIRA_WEBHOOK_SECRET: SECRET } });

/** Delivers `merge_group.checks_requested` and waits for the verdict the app writes on the group's head. */
async function judgeGroup(repo: RepoTarget, group: SimMergeGroup) {
  const mark = e2e.github.mark();
  const delivery = await e2e.send('merge_group', mergeGroupEvent({ github: e2e.github, ...repo }, group));
  expect(delivery.status).toBe(200);
  const verdict = await e2e.verdict({ github: e2e.github, ...repo, number: 0 }, group.headSha, mark);
  return { ...verdict, calls: e2e.github.callCounts(mark) };
}

async function auditOf(repo: RepoTarget, kind: string) {
  const rows = await e2e.app.query<{ head_sha: string | null; data: string }>(
    `SELECT head_sha, data FROM audit_entries WHERE repo = '${repo.owner}/${repo.repo}' AND kind = '${kind}' ORDER BY seq`,
  );
  return rows.map((row) => ({ headSha: row.head_sha, data: JSON.parse(row.data) as Record<string, unknown> }));
}

/** Jira Cloud's `jira:issue_updated` for a status change, signed as Jira signs it. */
async function ticketChanged(key: string, from: string, to: string): Promise<number> {
  const body = JSON.stringify({
    timestamp: 1_767_000_000_000,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Cara Change' },
    issue: { id: '10001', key, fields: { status: { name: to } } },
    changelog: { id: '10300', items: [{ field: 'status', fieldtype: 'jira', fromString: from, toString: to }] },
  });
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const response = await fetch(`${e2e.app.url}/api/jira/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': `wh-${key}-${to}`, 'x-hub-signature': signature },
    body,
  });
  return response.status;
}

describe('merge_group', () => {
  it("gives a compliant PR's merge group success on the group's head, and the merge evidence links the group", async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-71' });
    e2e.makeReady(pr, { ticket: 'CHG-71' });
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    const group = e2e.github.createMergeGroup({ ...repo, numbers: [pr.number] });

    const judged = { ...(await judgeGroup(repo, group)), prHead: e2e.github.pullRequest(pr).headSha };

    expect(judged.status.state).toBe('success');
    expect(judged.status.description).toBe(`Every pull request of the group passes: #${pr.number}`);
    expect(judged.checkRun).toMatchObject({ name: 'Change control', status: 'completed', conclusion: 'success' });
    // The PR's own head keeps its verdict; only the group's head is written.
    expect(e2e.github.statuses({ ...pr, sha: group.headSha, context: 'change-control' })).toHaveLength(1);
    // Per group: the comparison and the open PRs (2 REST reads), one GraphQL query per PR; the check run and status.
    expect(judged.calls).toMatchObject({ restWrites: 2, graphqlQueries: 1, restReads: 2 });
    const [entry] = await auditOf(repo, 'merge-group');
    expect(entry?.headSha).toBe(group.headSha);
    expect(entry?.data).toMatchObject({
      state: 'success',
      headRef: group.headRef,
      commits: expect.arrayContaining([group.headSha, judged.prHead]),
      pulls: [{ number: pr.number, state: 'success', failing: [] }],
    });

    // The same request again (GitHub re-asks for checks): the verdict is unchanged, nothing is written.
    const again = e2e.github.mark();
    await e2e.send('merge_group', mergeGroupEvent({ github: e2e.github, ...repo }, group));
    await e2e.quiet();
    expect(e2e.github.callCounts(again).restWrites).toBe(0);

    // The queue merges the group: the merge evidence names the group and its verdict; `destroyed` is recorded.
    e2e.github.mergeMergeGroup({ ...repo, group, mergedBy: 'github-merge-queue[bot]' });
    await e2e.send('merge_group', mergeGroupEvent({ github: e2e.github, ...repo }, group, 'destroyed', 'merged'));
    await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();
    // The unverified claim first, then the verified evidence read back by the queued `merge` work, naming the group.
    const merges = await auditOf(repo, 'merge');
    expect(merges.map((e) => e.data.evidence)).toEqual(['unverified', 'verified']);
    expect(merges[1]?.data).toMatchObject({
      mergeSha: group.merges[0]?.commitOid,
      exceptions: [],
      evidence: 'verified',
      mergeGroup: { headSha: group.headSha, headRef: group.headRef, state: 'success' },
    });
    expect((await auditOf(repo, 'merge-group-destroyed')).map((e) => e.data)).toEqual([
      { headRef: group.headRef, baseRef: 'main', reason: 'merged' },
    ]);
  });

  it('fails a group whose ticket was withdrawn in Jira while the PR was queued, naming the PR and its ticket', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-72' });
    e2e.makeReady(pr, { ticket: 'CHG-72' });
    const passed = await e2e.evaluate(pr);
    expect(passed.status.state).toBe('success');
    const group = e2e.github.createMergeGroup({ ...repo, numbers: [pr.number] });
    expect((await judgeGroup(repo, group)).status.state).toBe('success');

    // Withdrawn while the group waits for the queue: the PR's new verdict fails the group that held it, with no new
    // merge_group event.
    e2e.jira.setStatus('CHG-72', 'Withdrawn');
    const mark = e2e.github.mark();
    expect(await ticketChanged('CHG-72', 'Approved', 'Withdrawn')).toBe(202);
    const rejudged = await e2e.verdict({ github: e2e.github, ...repo, number: 0 }, group.headSha, mark);

    expect(e2e.github.statuses({ ...pr, sha: passed.headSha, context: 'change-control' }).at(-1)?.state).toBe('failure');
    expect(rejudged.status.state).toBe('failure');
    expect(rejudged.status.description).toMatch(new RegExp(`^Not passing: #${pr.number} ticket: .*CHG-72.*Withdrawn`));
    expect(rejudged.checkRun).toMatchObject({ conclusion: 'failure' });
    expect(rejudged.checkRun?.output.text).toContain(`| #${pr.number} | ❌ failure | ticket:`);

    // GitHub asks again for the same group (or builds it anew): still failure, nothing written twice.
    const again = e2e.github.mark();
    await e2e.send('merge_group', mergeGroupEvent({ github: e2e.github, ...repo }, group));
    await e2e.quiet();
    expect(e2e.github.callCounts(again).restWrites).toBe(0);
    expect((await auditOf(repo, 'merge-group')).map((e) => e.data.state)).toEqual(['success', 'failure']);
  });

  it('does not judge a destroyed group again when its PR stops passing', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-76' });
    e2e.makeReady(pr, { ticket: 'CHG-76' });
    const passed = await e2e.evaluate(pr);
    const group = e2e.github.createMergeGroup({ ...repo, numbers: [pr.number] });
    expect((await judgeGroup(repo, group)).status.state).toBe('success');
    await e2e.send('merge_group', mergeGroupEvent({ github: e2e.github, ...repo }, group, 'destroyed', 'dequeued'));

    e2e.jira.setStatus('CHG-76', 'Withdrawn');
    const mark = e2e.github.mark();
    expect(await ticketChanged('CHG-76', 'Approved', 'Withdrawn')).toBe(202);
    await e2e.verdict(pr, passed.headSha, mark);
    await e2e.quiet();

    expect(e2e.github.statuses({ ...pr, sha: group.headSha, context: 'change-control' }).map((s) => s.state)).toEqual(['success']);
  });

  it("re-posts its verdict when someone else writes change-control on a group's head, and records it", async () => {
    const repo = e2e.newRepo();
    const first = e2e.openPullRequest(repo, { ticket: 'CHG-77' });
    e2e.makeReady(first, { ticket: 'CHG-77', reviewer: null });
    const group = e2e.github.createMergeGroup({ ...repo, numbers: [first.number] });
    expect((await judgeGroup(repo, group)).status.state).toBe('failure');

    const forged = e2e.github.addStatus({ ...repo, sha: group.headSha, context: 'change-control', state: 'success', creator: 'mallory' });
    const mark = e2e.github.mark();
    await e2e.send('status', statusEvent({ github: e2e.github, ...repo, number: 0 }, forged));
    const reposted = await e2e.verdict({ github: e2e.github, ...repo, number: 0 }, group.headSha, mark);

    expect(reposted.status.state).toBe('failure');
    expect(reposted.status.creator.login).not.toBe('mallory');
    const overwritten = await auditOf(repo, 'status-overwritten');
    expect(overwritten).toEqual([{ headSha: group.headSha, data: { overwrittenBy: 'mallory', state: 'success', description: null } }]);
  });

  it("answers the group's CI finishing with no call, and a Re-run of its check run with a fresh verdict", async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-78' });
    e2e.makeReady(pr, { ticket: 'CHG-78' });
    const group = e2e.github.createMergeGroup({ ...repo, numbers: [pr.number] });
    const judged = await judgeGroup(repo, group);
    expect(judged.status.state).toBe('success');
    /** A check run event on the group's head: GitHub lists no PR for it. */
    const onGroup = (action: 'completed' | 'rerequested', run: Parameters<typeof checkRunEvent>[2]) => {
      const payload = checkRunEvent(pr, action, run);
      Object.assign(payload.check_run, { head_sha: group.headSha, pull_requests: [] });
      return payload;
    };

    const ci = e2e.github.addCheckRun({ ...repo, sha: group.headSha, name: 'build', conclusion: 'success' });
    const quiet = e2e.github.mark();
    await e2e.send(
      'check_run',
      onGroup('completed', { id: ci.id, name: 'build', appId: ci.appId, status: 'completed', conclusion: 'success' }),
    );
    await e2e.quiet();
    expect(e2e.github.callCounts(quiet)).toMatchObject({ restReads: 0, graphqlQueries: 0, restWrites: 0 });

    const ours = judged.checkRun!;
    const mark = e2e.github.mark();
    await e2e.send(
      'check_run',
      onGroup('rerequested', { id: ours.id, name: ours.name, appId: APP_ID, status: 'completed', conclusion: 'success' }),
    );
    const rerun = await e2e.verdict({ github: e2e.github, ...repo, number: 0 }, group.headSha, mark);
    expect(rerun.status.state).toBe('success');
    expect(rerun.checkRun?.id).not.toBe(ours.id);
  });

  it('fails a group of two PRs when the second lacks an approval, naming it', async () => {
    const repo = e2e.newRepo();
    const first = e2e.openPullRequest(repo, { ticket: 'CHG-73', headRef: 'first' });
    e2e.makeReady(first, { ticket: 'CHG-73' });
    const second = e2e.openPullRequest(repo, { ticket: 'CHG-74', headRef: 'second', commits: [{ files: { 'second.txt': 'two\n' } }] });
    e2e.makeReady(second, { ticket: 'CHG-74', reviewer: null });
    const group = e2e.github.createMergeGroup({ ...repo, numbers: [first.number, second.number] });

    const judged = await judgeGroup(repo, group);

    expect(judged.status.state).toBe('failure');
    expect(judged.status.description).toMatch(new RegExp(`^Not passing: #${second.number} approval: `));
    const [entry] = await auditOf(repo, 'merge-group');
    expect(entry?.data).toMatchObject({
      state: 'failure',
      // Each PR's head and its merge commit.
      commits: expect.arrayContaining([
        ...group.merges.map((m) => m.commitOid),
        ...[first, second].map((p) => e2e.github.pullRequest(p).headSha),
      ]),
      pulls: [
        { number: first.number, state: 'success' },
        { number: second.number, state: 'pending', failing: [expect.stringMatching(/^approval: /)] },
      ],
    });
    // Two PRs: the group's two REST reads, one GraphQL query per PR (its facts), still two writes.
    expect(judged.calls).toMatchObject({ restReads: 2, graphqlQueries: 2, restWrites: 2 });
  });

  it('fails closed when the PR its ref names is not in the group', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo, { ticket: 'CHG-75' });
    e2e.makeReady(pr, { ticket: 'CHG-75' });
    const group = e2e.github.createMergeGroup({ ...repo, numbers: [pr.number] });
    // A ref naming another PR than the one whose head the group holds.
    const forged = { ...group, headRef: group.headRef.replace(`/pr-${pr.number}-`, '/pr-999-') };

    const judged = await judgeGroup(repo, forged);

    expect(judged.status.state).toBe('error');
    expect(judged.status.description).toContain('#999, named by the group');
  });
});
