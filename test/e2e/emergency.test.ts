import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';
import type { SimComment } from '../simulators/github/model.js';
import { STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { waitFor } from './harness/wait.js';
import { issueCommentEvent, pullRequestEvent, pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';

/** Emergency changes and the other `/change-control` commands, through the real app and its audit store. */

const EMERGENCY_POLICY = `${STANDARD_POLICY}emergency:\n  teams: [acme/incident-commanders]\n  reviewers: [acme/change-reviewers]\n  review_within_hours: 24\n`;
const HOUR_MS = 3_600_000;

let e2e: E2E;
const dir = mkdtempSync(join(tmpdir(), 'cc-e2e-emergency-'));
const database = `sqlite:${join(dir, 'audit.db')}`;

useE2E((started) => (e2e = started), {
  env: { DATABASE_URL: database },
  afterReset: (started) => {
    started.github.addTeam({ org: 'acme', slug: 'incident-commanders', members: ['carol', 'alice'] });
    started.github.addTeam({ org: 'acme', slug: 'change-reviewers', members: ['erin'] });
  },
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

/** `author` comments `body` on the PR or issue `target.number`, and the app is told (or told of an edit). */
async function comment(target: PullTarget, author: string, body: string, action: 'created' | 'edited' = 'created'): Promise<SimComment> {
  const posted = e2e.github.addComment({ owner: target.owner, repo: target.repo, number: target.number, author, body });
  const delivery = await e2e.send('issue_comment', issueCommentEvent(target, posted, action));
  if (delivery.status !== 200 && delivery.status !== 202)
    throw new Error(`the app answered the webhook with ${delivery.status}: ${delivery.body}`);
  return posted;
}

/** The app's reply to `login` on issue or PR `target.number`. */
function replyTo(target: PullTarget, login: string): Promise<SimComment> {
  return waitFor(`the app's reply to @${login} on #${target.number}`, () =>
    e2e.github.comments(target).find((c) => c.author.type === 'Bot' && c.body.startsWith(`@${login} `)),
  );
}

/** A PR by alice under the emergency policy, evaluated once: it waits for an approval (no reviewer yet). */
async function waitingPullRequest(): Promise<{ repo: RepoTarget; pr: PullTarget; headSha: string }> {
  const repo = e2e.newRepo({ policy: EMERGENCY_POLICY });
  const pr = e2e.openPullRequest(repo);
  e2e.makeReady(pr, { reviewer: null });
  const { status, headSha } = await e2e.evaluate(pr);
  expect(status.state).toBe('pending');
  return { repo, pr, headSha };
}

/** carol authorises the PR as an emergency; returns the verdict written on its head. */
async function authorise(pr: PullTarget, headSha: string) {
  const mark = e2e.github.mark();
  await comment(pr, 'carol', '/change-control emergency INC-4711 card payments are failing');
  return e2e.verdict(pr, headSha, mark);
}

async function exportExceptions(
  repo: RepoTarget,
  now: Date,
  mode: 'exceptions' | 'merges' = 'exceptions',
): Promise<Array<Record<string, unknown>>> {
  let out = '';
  let err = '';
  const io = { env: {}, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, now: () => now };
  const code = await runCli(
    [
      'audit',
      'export',
      '--since',
      '2000-01-01',
      '--until',
      '2100-01-01',
      ...(mode === 'exceptions' ? ['--exceptions'] : []),
      '--format',
      'jsonl',
      '--repo',
      `${repo.owner}/${repo.repo}`,
      '--database',
      database,
    ],
    io,
  );
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return out
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('/change-control emergency', () => {
  it('by a member of emergency.teams: success on the head, the waived controls in the check run, a follow-up issue and a reply', async () => {
    const { repo, pr, headSha } = await waitingPullRequest();

    const { status, checkRun } = await authorise(pr, headSha);

    expect(status).toMatchObject({ state: 'success', description: 'Emergency change authorised by carol' });
    expect(checkRun).toMatchObject({ conclusion: 'success' });
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('### 🚨 Emergency change authorised by @carol');
    expect(summary).toContain('- Reason: INC-4711 card payments are failing');
    expect(summary).toMatch(/- ⏳ Segregation of duties: Needs 1 more independent approval on [0-9a-f]{7}/);
    const [issue, ...more] = e2e.github.issues(repo);
    expect(more).toEqual([]);
    expect(issue?.title).toMatch(new RegExp(`^Emergency change acme/${repo.repo}#${pr.number}: retrospective approval due by \\d{4}-`));
    expect(issue?.body).toContain(`Head commit: \`${headSha}\``);
    expect(issue?.body).toContain('A member of acme/change-reviewers reviews the change');
    expect(summary).toContain(`[acme/${repo.repo}#${issue?.number}](${e2e.github.url}/acme/${repo.repo}/issues/${issue?.number})`);
    const reply = await replyTo(pr, 'carol');
    expect(reply.body).toContain(`authorised this pull request as an emergency change on head \`${headSha.slice(0, 7)}\``);
    await e2e.quiet();
  });

  it('by someone outside emergency.teams: a reply saying who may, and no success', async () => {
    const { pr, headSha } = await waitingPullRequest();

    await comment(pr, 'mallory', '/change-control emergency production is down');
    const reply = await replyTo(pr, 'mallory');
    await e2e.quiet();

    expect(reply.body).toContain(
      'you are not a member of acme/incident-commanders. Only a member of acme/incident-commanders who is neither the author of this pull request nor one of its contributors may authorise it',
    );
    expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).map((s) => s.state)).toEqual(['pending']);
    expect(e2e.github.issues(pr)).toEqual([]);
  });

  it('by the PR author, even a member of emergency.teams: refused', async () => {
    const { pr, headSha } = await waitingPullRequest();

    await comment(pr, 'alice', '/change-control emergency I need this out now');
    const reply = await replyTo(pr, 'alice');
    await e2e.quiet();

    expect(reply.body).toMatch(/^@alice you opened this pull request, so you cannot authorise it as an emergency change/);
    expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).map((s) => s.state)).toEqual(['pending']);
  });

  it('covers the head it was given on: a push needs a new authorisation', async () => {
    const { pr, headSha } = await waitingPullRequest();
    expect((await authorise(pr, headSha)).status.state).toBe('success');
    await e2e.quiet();

    e2e.github.pushCommit({ ...pr, message: 'More of the fix' });
    const { status, checkRun } = await e2e.evaluate(pr, { payload: pullRequestEvent(pr, 'synchronize', 'alice') });

    expect(status.state).toBe('pending');
    // The report says why the authorisation no longer counts.
    expect(unescapeMarkdown(checkRun?.output.summary ?? '')).toContain(
      `**The emergency authorisation no longer applies.** @carol authorised head \`${headSha.slice(0, 7)}\``,
    );
  });

  it('covers the head its authoriser saw: a comment written before a push, delivered after it, is refused', async () => {
    const { pr, headSha } = await waitingPullRequest();
    // carol writes her comment while the head is the one she reviewed ...
    const posted = e2e.github.addComment({
      owner: pr.owner,
      repo: pr.repo,
      number: pr.number,
      author: 'carol',
      body: '/change-control emergency INC-4712 checkout is down',
    });
    // ... alice pushes before the app hears of the comment ...
    e2e.github.pushCommit({ ...pr, message: 'Something carol did not see' });
    const pushed = await e2e.evaluate(pr, { payload: pullRequestEvent(pr, 'synchronize', 'alice') });
    expect(pushed.headSha).not.toBe(headSha);
    // ... and then the comment arrives.
    await e2e.send('issue_comment', issueCommentEvent(pr, posted));
    const reply = await replyTo(pr, 'carol');
    await e2e.quiet();

    expect(reply.body).toMatch(new RegExp(`^@carol head \`${pushed.headSha.slice(0, 7)}\` was pushed at .*, after your comment`));
    expect(e2e.github.statuses({ ...pr, sha: pushed.headSha, context: 'change-control' }).map((s) => s.state)).not.toContain('success');
    expect(await e2e.app.query(`SELECT seq FROM audit_entries WHERE kind = 'emergency' AND repo = '${pr.owner}/${pr.repo}'`)).toEqual([]);
  });

  it('is approved retrospectively on the follow-up issue by a reviewer, not by the authoriser; the issue is then closed', async () => {
    const { repo, pr, headSha } = await authorisedPullRequest();
    const issue = e2e.github.issues(repo)[0]!;
    const onIssue: PullTarget = { ...pr, number: issue.number };

    await comment(onIssue, 'carol', '/change-control approve-retro');
    expect((await replyTo(onIssue, 'carol')).body).toContain('you authorised the emergency, so you cannot also approve it');
    await comment(onIssue, 'erin', '/change-control approve-retro reviewed the hotfix diff');
    const approved = await replyTo(onIssue, 'erin');
    await waitFor('the follow-up issue to close', () => e2e.github.issues(repo)[0]?.state === 'closed');
    await e2e.quiet();

    expect(approved.body).toMatch(
      new RegExp(
        `approved the emergency change acme/${repo.repo}#${pr.number} \\(authorised by @carol\\) retrospectively: recorded as audit entry #\\d+`,
      ),
    );
    expect(e2e.github.issues(repo)[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    const [row] = await exportExceptions(repo, new Date(Date.now() + 48 * HOUR_MS));
    expect(row).toMatchObject({ type: 'emergency', authorised_by: 'carol', retro_approved_by: 'erin', head_sha: headSha });
  });

  it('without a retrospective approval by its due time is listed as emergency-overdue by audit export --exceptions', async () => {
    const { repo, pr } = await authorisedPullRequest();
    const issue = e2e.github.issues(repo)[0]!;

    const [before] = await exportExceptions(repo, new Date());
    const [after] = await exportExceptions(repo, new Date(Date.now() + 25 * HOUR_MS));

    expect(before).toMatchObject({
      type: 'emergency',
      pr: pr.number,
      reason: 'INC-4711 card payments are failing',
      retro_approved_by: null,
    });
    expect(after).toMatchObject({
      type: 'emergency-overdue',
      pr: pr.number,
      issue_url: `${e2e.github.url}/acme/${repo.repo}/issues/${issue.number}`,
    });
    expect(after?.exceptions).toEqual([
      expect.stringMatching(/^approval: Needs 1 more independent approval/),
      expect.stringMatching(/^retrospective approval overdue since /),
    ]);
  });

  it('merged after the authorisation: the merge record lists the emergency, and no bypass exception is opened', async () => {
    const { repo, pr } = await authorisedPullRequest();
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'carol' });

    const delivery = await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    expect(e2e.github.issues(repo).map((i) => i.title)).toEqual([expect.stringMatching(/^Emergency change /)]);
    const [merge] = await exportExceptions(repo, new Date(), 'merges');
    expect(merge).toMatchObject({
      pr: pr.number,
      merged_by: 'carol',
      gate_state: 'success',
      verdict_at_merge: 'success',
      exceptions: ['emergency'],
      change_type: 'emergency',
    });
  });
});

/** A waiting PR that carol authorised as an emergency change. */
async function authorisedPullRequest() {
  const waiting = await waitingPullRequest();
  expect((await authorise(waiting.pr, waiting.headSha)).status.state).toBe('success');
  await e2e.quiet();
  return waiting;
}

describe('/change-control recheck and explain', () => {
  it('recheck by someone with write access evaluates the PR again now', async () => {
    const { repo, pr, headSha } = await waitingPullRequest();
    // An approval whose webhook the app never received: only a recheck finds it.
    e2e.github.addReview({ ...pr, reviewer: 'bob' });
    e2e.github.setCollaborator({ ...repo, login: 'dave', role: 'maintain' });
    const mark = e2e.github.mark();

    await comment(pr, 'dave', '/change-control recheck');
    const { status } = await e2e.verdict(pr, headSha, mark);
    const reply = await replyTo(pr, 'dave');
    await e2e.quiet();

    expect(status.state).toBe('success');
    expect(reply.body).toMatch(new RegExp(`^@dave evaluated head \`${headSha.slice(0, 7)}\` again: \\*\\*success\\*\\*`));
  });

  it('recheck by someone with read access is refused, and nothing is evaluated', async () => {
    const { repo, pr, headSha } = await waitingPullRequest();
    e2e.github.setCollaborator({ ...repo, login: 'rita', role: 'triage' });
    const mark = e2e.github.mark();

    await comment(pr, 'rita', '/change-control recheck');
    const reply = await replyTo(pr, 'rita');
    await e2e.quiet();

    expect(reply.body).toContain(`only people with write access to acme/${repo.repo} may ask for a recheck (your access: read)`);
    expect(e2e.github.callCounts(mark)).toMatchObject({ graphqlQueries: 0 });
    expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' })).toHaveLength(1);
  });

  it('explain replies with the full evaluation as it stands', async () => {
    const { pr, headSha } = await waitingPullRequest();

    await comment(pr, 'erin', '/change-control explain');
    const reply = await replyTo(pr, 'erin');
    await e2e.quiet();

    const body = unescapeMarkdown(reply.body);
    expect(body).toContain(`here is the evaluation of head \`${headSha.slice(0, 7)}\` as it stands now:`);
    expect(body).toMatch(/## Waiting: Needs 1 more independent approval/);
    expect(body).toContain('| Change ticket | ✅ Ticket CHG-1 is Approved |');
    expect(body).toContain('- PR author: `@alice`');
    expect(e2e.github.statuses({ ...pr, sha: headSha, context: 'change-control' })).toHaveLength(1);
  });
});

describe('comments that run nothing', () => {
  it('an edited comment does not trigger, even when it now holds a command', async () => {
    const { pr } = await waitingPullRequest();
    const mark = e2e.github.mark();

    await comment(pr, 'carol', '/change-control emergency INC-4711', 'edited');
    await e2e.quiet();

    expect(e2e.github.callCounts(mark)).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 0, restReads: 0, restWrites: 0 });
  });

  it("the app's own comment is ignored", async () => {
    const { pr } = await waitingPullRequest();
    const mark = e2e.github.mark();
    const own = e2e.github.addComment({
      owner: pr.owner,
      repo: pr.repo,
      number: pr.number,
      author: 'change-control',
      authorIsBot: true,
      body: '/change-control recheck',
    });

    await e2e.send('issue_comment', issueCommentEvent(pr, own));
    await e2e.quiet();

    expect(e2e.github.callCounts(mark)).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 0, restReads: 0, restWrites: 0 });
  });
});
