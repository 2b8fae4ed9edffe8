import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { DryRunReport } from '../../src/github/dry-run-report.js';
import type { GitHubRequest } from '../simulators/github/create-github-simulator.js';
import { blobOid } from '../simulators/github/model.js';
import { runCli } from './harness/run-cli.js';
import { CONFIG_PATH, OWNER, STANDARD_POLICY, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { pullRequestEvent, type PullTarget } from './harness/webhooks.js';

/**
 * The dry run (docs/cli.md `evaluate`, docs/dashboard.md `POST /api/v1/simulate`): it reads the PR as the app does
 * and answers the report the app would post, byte for byte, under the live or a candidate policy, and GitHub, Jira
 * and the audit store see no write from it.
 */

const API_TOKEN = `api-${randomBytes(24).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'dry-run-e2e-'));

let e2e: E2E;
useE2E((started) => (e2e = started), {
  env: { DASHBOARD_API_TOKENS: API_TOKEN },
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

/** The GitHub requests after `mark` that would change something (anything but reads, GraphQL queries and token requests). */
const writesSince = (mark: number): GitHubRequest[] =>
  e2e.github
    .requests()
    .filter((r) => r.seq > mark && r.method !== 'GET' && r.method !== 'HEAD' && r.kind !== 'graphql' && r.kind !== 'token');

const entryCount = async (): Promise<number> =>
  Number((await e2e.app.query<{ n: number }>('SELECT count(*) AS n FROM audit_entries'))[0]?.n);

function candidate(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function postedPullRequest(): Promise<{ pr: PullTarget; repo: RepoTarget; posted: Awaited<ReturnType<E2E['evaluate']>> }> {
  const repo = e2e.newRepo();
  const pr = e2e.openPullRequest(repo);
  e2e.makeReady(pr);
  const posted = await e2e.evaluate(pr);
  await e2e.quiet();
  return { pr, repo, posted };
}

function simulate(body: unknown, token: string | null = API_TOKEN): Promise<Response> {
  return fetch(`${e2e.app.url}/api/v1/simulate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('change-control evaluate OWNER/NAME#N', () => {
  it('prints byte for byte the report the app posted, and GitHub, Jira and the store see no write', async () => {
    const { pr, posted } = await postedPullRequest();
    const entries = await entryCount();
    const mark = e2e.github.mark();
    const jiraBefore = e2e.jira.requests().length;

    const run = await runCli(e2e, ['evaluate', `${pr.owner}/${pr.repo}#${pr.number}`, '--format', 'json']);

    expect(run).toMatchObject({ code: 0, stderr: `${pr.owner}/${pr.repo}#${pr.number}: success (dry run: nothing was written)\n` });
    const report = JSON.parse(run.stdout) as DryRunReport;
    const output = posted.checkRun?.output;
    expect(report.checkRun.output.title).toBe(output?.title);
    expect(report.checkRun.output.summary).toBe(output?.summary);
    expect(report.checkRun.output.text).toBe(output?.text);
    expect(report.checkRun).toMatchObject({
      name: 'Change control',
      status: posted.checkRun?.status,
      conclusion: posted.checkRun?.conclusion,
    });
    expect(report.status).toEqual({ context: 'change-control', state: posted.status.state, description: posted.status.description });
    expect(report).toMatchObject({ evaluated: true, state: 'success', candidate: false, pullRequest: { headSha: posted.headSha } });

    // One token, the installation looked up with the app's JWT, one GraphQL query; Jira: the issue and its changelog.
    expect(e2e.github.callCounts(mark)).toEqual({ tokenRequests: 1, appRequests: 1, graphqlQueries: 1, restReads: 0, restWrites: 0 });
    expect(
      e2e.jira
        .requests()
        .slice(jiraBefore)
        .map((r) => `${r.method} ${r.path.replace(/^.*\/issue\//, '/issue/')}`),
    ).toEqual(['GET /issue/CHG-1', 'GET /issue/CHG-1/changelog']);
    expect(writesSince(mark)).toEqual([]);
    expect(await entryCount()).toBe(entries);
  });

  it('text and markdown carry the posted title, summary and text verbatim, with the status', async () => {
    const { pr, posted } = await postedPullRequest();
    const output = posted.checkRun!.output;
    const target = `${pr.owner}/${pr.repo}#${pr.number}`;

    const text = await runCli(e2e, ['evaluate', target]);
    const markdown = await runCli(e2e, ['evaluate', target, '--format', 'markdown']);

    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 4)).toEqual([
      `${target} at ${posted.headSha.slice(0, 7)}: success (dry run: nothing was written)`,
      `status change-control: success: ${posted.status.description}`,
      'check run Change control: completed, success',
      `policy: ${pr.owner}/${pr.repo}:${CONFIG_PATH}@${blobOid(STANDARD_POLICY).slice(0, 7)}`,
    ]);
    expect(text.stdout).toContain(`\n\n${output.title}\n\n${output.summary}\n\n${output.text}\n`);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain(`## ${output.title}\n\n${output.summary}\n\n${output.text}\n`);
  });

  it('under a candidate policy that asks for two approvals: the verdict changes, and still nothing is written', async () => {
    const { pr } = await postedPullRequest();
    const path = candidate('two-approvals.yml', STANDARD_POLICY.replace('count: 1', 'count: 2'));
    const mark = e2e.github.mark();

    const run = await runCli(e2e, ['evaluate', `${pr.owner}/${pr.repo}#${pr.number}`, '--policy', path, '--format', 'json']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DryRunReport;
    expect(report.state).toBe('pending');
    expect(report.status.description).toMatch(/Needs 1 more independent approval/);
    expect(report.checkRun.output.summary).toContain('Needs 1 more independent approval');
    // Named as it would be once committed: the same path, the blob SHA git gives the candidate.
    expect(report.policy).toEqual({
      repo: `${pr.owner}/${pr.repo}`,
      path: CONFIG_PATH,
      blobSha: blobOid(STANDARD_POLICY.replace('count: 1', 'count: 2')),
    });
    expect(report.candidate).toBe(true);
    expect(writesSince(mark)).toEqual([]);
    // The live verdict on GitHub is untouched.
    expect(e2e.github.statuses({ ...pr, sha: report.pullRequest.headSha }).at(-1)?.state).toBe('success');
  });

  it('a candidate that loosens below the organisation floor is judged by the floor, as it would be in the repository', async () => {
    const repo = e2e.newRepo();
    const floor = `${STANDARD_POLICY}floor:\n  approval: {count: 2}\n`;
    e2e.github.addRepository({ owner: OWNER, repo: '.github', installationId: repo.installationId, files: { [CONFIG_PATH]: floor } });
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    const path = candidate('no-approval.yml', STANDARD_POLICY.replace('count: 1', 'count: 0'));

    const run = await runCli(e2e, ['evaluate', `${pr.owner}/${pr.repo}#${pr.number}`, '--policy', path, '--format', 'json']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DryRunReport;
    expect(report.state).toBe('pending');
    expect(report.floor?.notes).toEqual(['approval.count 0 is below the organisation floor 2: 2 applies']);
  });

  it('refuses an invalid candidate with its lines, before asking GitHub anything', async () => {
    const { pr } = await postedPullRequest();
    const path = candidate('bad.yml', ['ticket:', '  projects: [CHG]', 'approval:', '  count: two', ''].join('\n'));
    const mark = e2e.github.mark();

    const run = await runCli(e2e, ['evaluate', `${pr.owner}/${pr.repo}#${pr.number}`, '--policy', path]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^error: the candidate policy is invalid\\n  ${path.replace(/[.]/g, '\\.')}: approval\\.count .*\\(line 4\\)\\n$`),
    );
    expect(e2e.github.callCounts(mark)).toEqual({ tokenRequests: 0, appRequests: 0, graphqlQueries: 0, restReads: 0, restWrites: 0 });
  });

  it('says precisely what is missing: no pull request, no installation, no credentials', async () => {
    const repo = e2e.newRepo();

    const missingPr = await runCli(e2e, ['evaluate', `${repo.owner}/${repo.repo}#99`]);
    const noInstallation = await runCli(e2e, ['evaluate', `${OWNER}/not-installed#1`]);
    const noCredentials = await runCli(e2e, ['evaluate', `${repo.owner}/${repo.repo}#1`], { PRIVATE_KEY: undefined });

    expect(missingPr).toMatchObject({ code: 2, stderr: `error: pull request #99 not found in ${repo.owner}/${repo.repo}\n` });
    expect(noInstallation).toMatchObject({
      code: 2,
      stderr: `error: the app is not installed on ${OWNER}/not-installed (or the repository does not exist)\n`,
    });
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(/^error: no GitHub credentials: set APP_ID and PRIVATE_KEY/);
  });
});

describe('POST /api/v1/simulate', () => {
  it('answers the report the app posted, as evaluate --format json does, with the installation token and no write', async () => {
    const { pr, posted } = await postedPullRequest();
    const mark = e2e.github.mark();
    const entries = await entryCount();

    const jiraBefore = e2e.jira.requests().length;

    const response = await simulate({ repository: `${pr.owner}/${pr.repo}`, pull_request: pr.number });

    expect(response.status).toBe(200);
    // The installation looked up with the app's JWT, its token already cached by the app, one GraphQL query; Jira 2.
    expect(e2e.github.callCounts(mark)).toEqual({ tokenRequests: 0, appRequests: 1, graphqlQueries: 1, restReads: 0, restWrites: 0 });
    expect(e2e.jira.requests().length - jiraBefore).toBe(2);
    const report = (await response.json()) as DryRunReport;
    expect(report.checkRun.output).toEqual({
      title: posted.checkRun?.output.title,
      summary: posted.checkRun?.output.summary,
      text: posted.checkRun?.output.text,
    });
    expect(report.status).toEqual({ context: 'change-control', state: 'success', description: posted.status.description });
    const cli = JSON.parse(
      (await runCli(e2e, ['evaluate', `${pr.owner}/${pr.repo}#${pr.number}`, '--format', 'json'])).stdout,
    ) as DryRunReport;
    expect({ ...report, evaluatedAt: null }).toEqual({ ...cli, evaluatedAt: null });
    expect(writesSince(mark)).toEqual([]);
    expect(await entryCount()).toBe(entries);

    // The dry run's read-only client is its own: the app still writes for this installation afterwards.
    e2e.github.addCheckRun({ ...pr, sha: posted.headSha, name: 'build', conclusion: 'failure' });
    const after = await e2e.evaluate(pr, { event: 'pull_request', payload: pullRequestEvent(pr, 'synchronize') });
    expect(after.status.state).toBe('failure');
  });

  it('under the candidate of the body; refuses an invalid one (422), a bad body (400) and a missing token (401)', async () => {
    const { pr } = await postedPullRequest();
    const repository = `${pr.owner}/${pr.repo}`;

    const stricter = await simulate({ repository, pull_request: pr.number, policy: STANDARD_POLICY.replace('[build]', '[build, lint]') });
    const invalid = await simulate({ repository, pull_request: pr.number, policy: STANDARD_POLICY.replace('count: 1', 'count: -1') });
    const badBody = await simulate({ repository: 'no-slash', pull_request: 'one' });
    const noToken = await simulate({ repository, pull_request: pr.number }, null);

    expect(stricter.status).toBe(200);
    expect(await stricter.json()).toMatchObject({ state: 'pending', candidate: true, status: { description: 'Waiting for lint' } });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({
      error: 'the candidate policy is invalid',
      errors: ['policy: approval.count must be a whole number ≥ 0, got -1 (line 4)'],
    });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toMatchObject({
      error: 'invalid request',
      errors: [expect.stringMatching(/^repository: /), expect.stringMatching(/^pull_request: /)],
    });
    expect(noToken.status).toBe(401);
  });
});
