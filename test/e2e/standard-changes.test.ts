import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';
import { useServiceNowSimulator } from './harness/use-servicenow.js';
import { STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';
import { useE2E } from './harness/use-e2e.js';
import { dependencyUpdatesClass, LOCKFILE, openDependabotPr as openDependabot, openedByDependabot } from './harness/dependabot.js';
import { pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';

/**
 * Standard (pre-approved) change classes through the real app (docs/tickets.md#standard-changes): a Dependabot
 * lockfile update covered by its class's standing ticket in Jira and in ServiceNow, and the cases that must not pass.
 */

const JIRA_SECRET = 'jira-webhook-secret-for-tests';
const { sn, env: serviceNowEnv } = await useServiceNowSimulator();

// A file the CLI can read too: `audit export` counts the merged standard change apart.
const dir = mkdtempSync(join(tmpdir(), 'standard-changes-'));
const database = `sqlite:${join(dir, 'audit.db')}`;

let e2e: E2E;
useE2E((started) => (e2e = started), {
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
  env: {
    DATABASE_URL: database,
    // An evaluation GitHub fails is retried through the queue: quickly here.
    CHANGE_CONTROL_RETRY_BASE_MS: '300',
    JIRA_WEBHOOK_SECRET: JIRA_SECRET,
    ...serviceNowEnv,
  },
});

const CLASS = dependencyUpdatesClass;
const JIRA_POLICY = `${STANDARD_POLICY}${CLASS('CHG-1000')}`;
const SERVICENOW_POLICY = `${STANDARD_POLICY.replace('  projects: [CHG]', '  provider: servicenow')}${CLASS('CHG0001000')}`;
const openDependabotPr = (repo: RepoTarget, files: Record<string, string> = LOCKFILE): PullTarget => openDependabot(e2e, repo, files);

async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const io = { env: {}, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, now: () => new Date() };
  const code = await runCli(args, io);
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return out;
}

const headOf = (rows: Array<Record<string, unknown>>, pr: PullTarget): string => String(rows.find((r) => r.pr === pr.number)?.head_sha);

async function exportMerges(pr: PullTarget): Promise<Array<Record<string, unknown>>> {
  const args = ['audit', 'export', '--since', '2000-01-01', '--until', '2100-01-01', '--format', 'jsonl'];
  const out = await cli([...args, '--repo', `${pr.owner}/${pr.repo}`, '--database', database]);
  return out
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function issueUpdated(key: string, status: string): string {
  return JSON.stringify({
    timestamp: 1_767_000_000_000,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Cara Change' },
    issue: { id: '10001', key, fields: { status: { name: status } } },
    changelog: { id: '10300', items: [{ field: 'status', fieldtype: 'jira', fromString: 'Approved', toString: status }] },
  });
}

describe('standard changes with Jira', () => {
  it('passes a Dependabot lockfile PR under its class, with no ticket of its own and no review, and says why', async () => {
    e2e.jira.addIssue({ key: 'CHG-1000', status: 'Approved', summary: 'Standard change: dependency updates' });
    const pr = openDependabotPr(e2e.newRepo({ policy: JIRA_POLICY }));
    const jiraBefore = e2e.jira.requests().length;

    const { status, checkRun } = await e2e.evaluate(pr, { payload: openedByDependabot(pr) });

    expect(status.state).toBe('success');
    expect(status.description).toMatch(/^All controls passed: Standard change dependency-updates: CHG-1000 is Approved; /);
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('### Standard change: dependency-updates (standing ticket CHG-1000)');
    expect(summary).toContain(
      '`dependency-updates` matches: all 1 changed file match package.json, package-lock.json, **/go.sum; 3 changed lines (at most 400); author dependabot[bot]',
    );
    expect(summary).toContain('approval.count 0 of the class applies: every author is a listed bot');
    expect(summary).toContain('Key: **CHG-1000** (standing ticket of the standard change class, from the policy)');
    // Jira calls for one evaluation of a standard change: the standing ticket and its changelog (as for any ticket).
    const calls = e2e.jira
      .requests()
      .slice(jiraBefore)
      .map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['GET /rest/api/3/issue/CHG-1000', 'GET /rest/api/3/issue/CHG-1000/changelog']);
    await e2e.quiet();

    // Merged, it is exported as a standard change of its class.
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
    expect((await e2e.send('pull_request', pullRequestMergedEvent(pr))).status).toBe(200);
    await e2e.quiet();
    const rows = await exportMerges(pr);
    expect(rows.find((r) => r.pr === pr.number)).toMatchObject({ change_type: 'standard', standard_class: 'dependency-updates' });
    // `audit trace` of the merged head gives the change's type and the count per type.
    const trace = await cli(['audit', 'trace', headOf(rows, pr), '--repo', `${pr.owner}/${pr.repo}`, '--database', database]);
    expect(trace).toContain('Changes (1 standard, 0 normal, 0 emergency):');
    expect(trace).toContain('      change type: standard (class dependency-updates, standing ticket CHG-1000)');
  });

  it('with ticket.create on, creates no ticket for a PR the class covers (its standing ticket covers it)', async () => {
    e2e.jira.addIssue({ key: 'CHG-1000', status: 'Approved' });
    const create = '  projects: [CHG]\n  create: { project: CHG, type: Change, when: missing }';
    const pr = openDependabotPr(e2e.newRepo({ policy: JIRA_POLICY.replace('  projects: [CHG]', create) }));

    const { status } = await e2e.evaluate(pr, { payload: openedByDependabot(pr) });

    expect(status.state).toBe('success');
    expect(e2e.jira.requests().filter((r) => r.method === 'POST')).toEqual([]);
    await e2e.quiet();
  });

  it('is an error, retried, while GitHub cannot list the files: never a failure for want of a ticket of its own', async () => {
    e2e.jira.addIssue({ key: 'CHG-1000', status: 'Approved' });
    const pr = openDependabotPr(e2e.newRepo({ policy: JIRA_POLICY }));
    const outage = e2e.github.injectFailure({ path: /\/pulls\/\d+\/files/, status: 503 });

    const { status, headSha } = await e2e.evaluate(pr, { payload: openedByDependabot(pr) });

    expect(status.state).toBe('error');
    expect(status.description).toMatch(/^Cannot evaluate: evaluation failed: /);
    const mark = e2e.github.mark();
    outage.clear();
    // The queue retries the evaluation (no new webhook) and the class covers the PR once GitHub lists its files.
    expect((await e2e.verdict(pr, headSha, mark)).status.state).toBe('success');
    await e2e.quiet();
  }, 120_000);

  it('does not cover the same bot touching src/: the PR needs its own ticket and fails without one', async () => {
    e2e.jira.addIssue({ key: 'CHG-1000', status: 'Approved' });
    const pr = openDependabotPr(e2e.newRepo({ policy: JIRA_POLICY }), { ...LOCKFILE, 'src/index.ts': 'export {};\n' });

    const { status, checkRun } = await e2e.evaluate(pr, { payload: openedByDependabot(pr) });

    expect(status.state).toBe('failure');
    expect(status.description).toMatch(/^No CHG ticket in the title, branch or body/);
    const summary = unescapeMarkdown(checkRun?.output.summary);
    expect(summary).toContain('### Standard change: no class matches (the PR needs a ticket of its own)');
    expect(summary).toContain('`dependency-updates` does not match: src/index.ts outside package.json, package-lock.json, **/go.sum');
    expect(e2e.jira.requests()).toEqual([]);
  });

  it('does not cover a human opening the same lockfile change', async () => {
    e2e.jira.addIssue({ key: 'CHG-1000', status: 'Approved' });
    const repo = e2e.newRepo({ policy: JIRA_POLICY });
    const pr = e2e.openPullRequest(repo, { title: 'Bump lodash', commits: [{ files: LOCKFILE }] });
    e2e.github.addCheckRun({ ...pr, sha: e2e.github.pullRequest(pr).headSha, name: 'build', conclusion: 'success' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain(
      '`dependency-updates` does not match: author alice is not one of dependabot[bot], renovate[bot]',
    );
  });

  it('fails every PR of the class once the standing ticket leaves Approved (a Jira webhook re-evaluates them)', async () => {
    // A standing ticket of its own: the app's ticket index still holds the other tests' PRs of CHG-1000.
    e2e.jira.addIssue({ key: 'CHG-1001', status: 'Approved' });
    const repo = e2e.newRepo({ policy: `${STANDARD_POLICY}${CLASS('CHG-1001')}` });
    const first = openDependabotPr(repo);
    const second = openDependabotPr(repo, { 'services/api/go.sum': 'golang.org/x/net v0.30.0 h1:abc=\n' });
    const before = [await e2e.evaluate(first, { payload: openedByDependabot(first) })];
    before.push(await e2e.evaluate(second, { payload: openedByDependabot(second) }));
    expect(before.map((v) => v.status.state)).toEqual(['success', 'success']);
    await e2e.quiet();

    e2e.jira.setStatus('CHG-1001', 'In Progress');
    const mark = e2e.github.mark();
    const body = issueUpdated('CHG-1001', 'In Progress');
    const signature = `sha256=${createHmac('sha256', JIRA_SECRET).update(body).digest('hex')}`;
    const answer = await fetch(`${e2e.app.url}/api/jira/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signature, 'x-atlassian-webhook-identifier': 'wh-standing' },
      body,
    });
    expect(answer.status).toBe(202);

    const after = [await e2e.verdict(first, before[0]!.headSha, mark), await e2e.verdict(second, before[1]!.headSha, mark)];
    expect(after.map((v) => [v.status.state, v.status.description])).toEqual([
      ['failure', 'Ticket CHG-1001 is In Progress; it needs Approved'],
      ['failure', 'Ticket CHG-1001 is In Progress; it needs Approved'],
    ]);
    await e2e.quiet();
  });
});

describe('standard changes with ServiceNow', () => {
  it('passes a Dependabot lockfile PR whose standing change is a scheduled standard change (no approval record)', async () => {
    sn.addChange({ number: 'CHG0001000', state: 'Scheduled', type: 'Standard', approval: 'approved', approvedBy: [] });
    const pr = openDependabotPr(e2e.newRepo({ policy: SERVICENOW_POLICY }));

    const { status } = await e2e.evaluate(pr, { payload: openedByDependabot(pr) });

    expect(status.state).toBe('success');
    expect(status.description).toMatch(/^All controls passed: Standard change dependency-updates: CHG0001000 is Scheduled; /);
    // ServiceNow calls for one evaluation: the change, then its approval records (none for a standard change).
    expect(sn.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/now/table/change_request',
      'GET /api/now/table/sysapproval_approver',
    ]);
    expect(e2e.jira.requests()).toEqual([]);
    await e2e.quiet();
  });

  it('fails when the standing change is not of type standard', async () => {
    sn.addChange({ number: 'CHG0001000', state: 'Scheduled', type: 'Normal' });
    const pr = openDependabotPr(e2e.newRepo({ policy: SERVICENOW_POLICY }));

    const { status, checkRun } = await e2e.evaluate(pr, { payload: openedByDependabot(pr) });

    expect(status).toMatchObject({
      state: 'failure',
      description: 'Ticket CHG0001000 is a Normal change, not a standard change (class dependency-updates)',
    });
    expect(unescapeMarkdown(checkRun?.output.summary)).toContain(
      'Fix the standing ticket CHG0001000 of standard change class dependency-updates',
    );
  });
});
