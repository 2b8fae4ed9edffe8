import { describe, expect, it } from '@jest/globals';
import type { CommitInput } from '../simulators/github/state.js';
import { ACTIONS_APP } from '../simulators/index.js';
import { type E2E, type ReadyInput } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import {
  checkRunEvent,
  checkSuiteCompletedEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
  statusEvent,
  type PullTarget,
} from './harness/webhooks.js';

/** The real app process against the simulators: each control passing and failing, through the webhooks that trigger it. */

let e2e: E2E;
useE2E((started) => (e2e = started));

describe('a pull request whose controls all pass', () => {
  it('gets a success status and a success check run that names the ticket, the approver and the check', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);

    const { status, checkRun, headSha } = await e2e.evaluate(pr);

    expect(status).toMatchObject({ state: 'success', context: 'change-control', creator: { login: 'change-control', type: 'Bot' } });
    expect(status.description).toMatch(/^All controls passed: Ticket CHG-1 is Approved; Approved on [0-9a-f]{7} by bob; Passed: build$/);
    expect(checkRun).toMatchObject({ name: 'Change control', headSha, status: 'completed', conclusion: 'success' });
    const summary = checkRun?.output.summary ?? '';
    expect(summary).toContain('Ticket CHG-1 is Approved');
    expect(summary).toContain('@bob approved');
    expect(summary).toContain('Passed: build');
    expect(checkRun?.output.text).toContain(`head \`${headSha}\``);
    // The status links to the readable report.
    expect(status.targetUrl).toBe(`${e2e.github.url}/${pr.owner}/${pr.repo}/runs/${checkRun?.id}`);
  });
});

describe('user-controlled text in the report', () => {
  it('is escaped: a Jira summary cannot inject HTML, links or emphasis', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr, { ticketStatus: null });
    e2e.jira.addIssue({ key: 'CHG-1', status: 'Approved', summary: '<img src=x onerror=alert(1)> [click](https://evil.example) **loud**' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    const summary = checkRun?.output.summary ?? '';
    expect(summary).not.toContain('<img');
    expect(summary).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(summary).not.toContain('[click](https://evil.example)');
  });
});

interface ControlCase {
  name: string;
  commits?: CommitInput[];
  ready: ReadyInput;
  /** Changes after `ready`, e.g. a push after the approval; returns the event to deliver, if not `pull_request.opened`. */
  then?: (pr: PullTarget) => { event: string; payload: unknown } | void;
  state: 'failure' | 'pending';
  description: RegExp;
  report: RegExp;
}

const cases: ControlCase[] = [
  {
    name: 'the ticket is awaiting approval in Jira',
    ready: { ticketStatus: 'Awaiting Approval' },
    state: 'failure',
    description: /^Ticket CHG-1 is Awaiting Approval; it needs Approved$/,
    report: /Get CHG-1 moved to Approved in Jira/,
  },
  {
    name: 'the ticket does not exist in Jira',
    ready: { ticketStatus: null },
    state: 'failure',
    description: /^Ticket CHG-1 does not exist in Jira$/,
    report: /\[CHG-1\]\(.*\/browse\/CHG-1\) was not found/,
  },
  {
    name: 'the only approval is by the PR author',
    ready: { reviewer: 'alice' },
    state: 'pending',
    description: /^Needs 1 more independent approval on [0-9a-f]{7}$/,
    report: /@alice not counted: .*author/,
  },
  {
    name: 'the only approval is by a co-author of a commit',
    commits: [{ coAuthors: ['carol'] }],
    ready: { reviewer: 'carol' },
    state: 'pending',
    description: /^Needs 1 more independent approval/,
    report: /@carol not counted: .*co-author/,
  },
  {
    name: 'the only approval is by the author of a later commit',
    commits: [{}, { author: 'dave' }],
    ready: { reviewer: 'dave' },
    state: 'pending',
    description: /^Needs 1 more independent approval/,
    report: /@dave not counted: .*authored/,
  },
  {
    name: 'the approval was given before the last push',
    ready: {},
    then: (pr) => {
      const sha = e2e.github.pushCommit({ ...pr, message: 'Fix the expiry date' });
      e2e.github.addCheckRun({ ...pr, sha, name: 'build', conclusion: 'success' });
      return { event: 'pull_request', payload: pullRequestEvent(pr, 'synchronize') };
    },
    state: 'pending',
    description: /^Needs 1 more independent approval/,
    report: /@bob not counted: .*before the last push/,
  },
  {
    name: 'the only approval is by the person who pushed the last commit (authored by someone else)',
    ready: { reviewer: null },
    then: (pr) => {
      const sha = e2e.github.pushCommit({ ...pr, author: 'alice', message: 'Rebase on main' });
      e2e.github.addCheckRun({ ...pr, sha, name: 'build', conclusion: 'success' });
      e2e.github.addReview({ ...pr, reviewer: 'erin' });
      // Only the webhook knows who pushed: git metadata names alice.
      return { event: 'pull_request', payload: pullRequestEvent(pr, 'synchronize', 'erin') };
    },
    state: 'pending',
    description: /^Needs 1 more independent approval/,
    report: /@erin not counted: .*push/,
  },
  {
    name: 'a commit identity is not tied to a GitHub user',
    commits: [{ coAuthors: [{ name: 'Mallory', email: 'mallory@example.invalid', login: null }] }],
    ready: {},
    state: 'failure',
    description: /has a co-author \(mallory@example\.invalid\) not tied to a GitHub user/,
    report: /Independence cannot be proven/,
  },
  {
    name: 'a required check failed',
    ready: { build: 'failure' },
    state: 'failure',
    description: /^Failed: build$/,
    report: /Fix build and push, or re-run it/,
  },
  {
    name: 'a required check has not reported',
    ready: { build: null },
    state: 'pending',
    description: /^Waiting for build$/,
    report: /build has not reported on [0-9a-f]{7}/,
  },
];

describe('a pull request with one control not passing', () => {
  it.each(cases)('$name: $state', async ({ commits, ready, then, state, description, report }) => {
    const pr = e2e.openPullRequest(e2e.newRepo(), { commits });
    e2e.makeReady(pr, ready);
    const event = then?.(pr) ?? undefined;

    const { status, checkRun } = await e2e.evaluate(pr, event ?? {});

    expect(status.state).toBe(state);
    expect(status.description).toMatch(description);
    expect(checkRun).toMatchObject(
      state === 'pending' ? { status: 'in_progress', conclusion: null } : { status: 'completed', conclusion: 'failure' },
    );
    expect(`${checkRun?.output.summary}`).toMatch(report);
  });
});

describe('re-evaluation when a fact changes', () => {
  it('turns pending into success when an independent reviewer approves, updating the running check run', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr, { reviewer: null });
    const first = await e2e.evaluate(pr);
    expect(first.status.state).toBe('pending');

    e2e.github.addReview({ ...pr, reviewer: 'erin' });
    const mark = e2e.github.mark();
    const second = await e2e.evaluate(pr, { event: 'pull_request_review', payload: pullRequestReviewEvent(pr, 'erin') });

    expect(second.status.state).toBe('success');
    // The in-progress check run is completed in place, not duplicated.
    expect(second.checkRun).toMatchObject({ id: first.checkRun?.id, status: 'completed', conclusion: 'success' });
    expect(e2e.github.checkRuns({ ...pr, sha: second.headSha, ours: true })).toHaveLength(1);
    expect(e2e.github.requests().filter((r) => r.seq > mark && r.method === 'PATCH')).toHaveLength(1);
  });

  it('re-posts its own status when someone else overwrites change-control', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr, { build: 'failure' });
    const first = await e2e.evaluate(pr);
    expect(first.status.state).toBe('failure');

    const forged = e2e.github.addStatus({ ...pr, sha: first.headSha, context: 'change-control', state: 'success', creator: 'mallory' });
    const { status } = await e2e.evaluate(pr, { event: 'status', payload: statusEvent(pr, forged) });

    expect(status).toMatchObject({ state: 'failure', description: 'Failed: build', creator: { login: 'change-control', type: 'Bot' } });
    expect(e2e.github.statuses({ ...pr, sha: first.headSha }).map((s) => `${s.creator.login}:${s.state}`)).toEqual([
      'change-control:failure',
      'mallory:success',
      'change-control:failure',
    ]);
  });

  it('evaluates the PRs a completed CI check run names', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr, { build: null });
    const { headSha } = e2e.github.pullRequest(pr);
    const run = e2e.github.addCheckRun({ ...pr, sha: headSha, name: 'build', conclusion: 'success' });

    const { status } = await e2e.evaluate(pr, { event: 'check_run', payload: checkRunEvent(pr, 'completed', run) });

    expect(status.state).toBe('success');
  });

  it('evaluates the PRs a completed check suite names', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);

    const { status } = await e2e.evaluate(pr, { event: 'check_suite', payload: checkSuiteCompletedEvent(pr, ACTIONS_APP.id) });

    expect(status.state).toBe('success');
  });

  it('finds the PRs of a commit status by its SHA and evaluates them', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr, { build: null });
    const { headSha } = e2e.github.pullRequest(pr);
    const ci = e2e.github.addStatus({ ...pr, sha: headSha, context: 'build', state: 'failure', description: 'tests failed' });
    const mark = e2e.github.mark();

    const { status } = await e2e.evaluate(pr, { event: 'status', payload: statusEvent(pr, ci) });

    expect(status.state).toBe('failure');
    expect(status.description).toBe('Failed: build');
    const lookups = e2e.github.requests().filter((r) => r.seq > mark && r.method === 'GET');
    expect(lookups.map((r) => r.path)).toEqual([`/api/v3/repos/${pr.owner}/${pr.repo}/commits/${headSha}/pulls`]);
  });
});
