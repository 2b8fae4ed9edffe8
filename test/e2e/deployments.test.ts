import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';
import type { SimDeploymentGate } from '../simulators/github/model.js';
import { deploymentEvent, deploymentProtectionRuleEvent, deploymentStatusEvent } from './harness/deployment-webhooks.js';
import { CONFIG_PATH, STANDARD_POLICY, startE2E, type E2E, type RepoTarget } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { waitFor } from './harness/wait.js';
import { issueCommentEvent, pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';

/**
 * Deployment gating through the real app: GitHub asks it, as the production environment's custom deployment
 * protection rule, whether a workflow job may deploy; it answers through the run's callback and records the
 * deployment evidence that `change-control audit trace` reads back.
 */

const EMERGENCY_POLICY = `${STANDARD_POLICY}emergency:\n  teams: [acme/incident-commanders]\n  reviewers: [acme/change-reviewers]\n`;

let e2e: E2E;
const dir = mkdtempSync(join(tmpdir(), 'cc-e2e-deployments-'));
const database = `sqlite:${join(dir, 'audit.db')}`;

useE2E((started) => (e2e = started), {
  env: { DATABASE_URL: database },
  afterReset: (started) => {
    started.github.addTeam({ org: 'acme', slug: 'incident-commanders', members: ['carol'] });
  },
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

const target = (repo: RepoTarget) => ({ github: e2e.github, ...repo });

/**
 * What production runs before the test: the default branch head, deployed before the app was gated. GitHub shows
 * it as deployed, but only a deployment the gate approved counts (issue 16): the policy names it as the baseline.
 * The policy is the organisation's (`.github`), so that setting it adds no commit to the repository.
 */
function productionAtDefaultBranch(repo: RepoTarget, policy = STANDARD_POLICY): string {
  const sha = e2e.github.defaultBranchHead(repo);
  const deployment = e2e.github.createDeployment({ ...repo, environment: 'production', sha });
  e2e.github.addDeploymentStatus({ ...repo, deploymentId: deployment.id, state: 'success' });
  e2e.github.addRepository({
    owner: repo.owner,
    repo: '.github',
    installationId: repo.installationId,
    files: { [CONFIG_PATH]: `${policy}deployments:\n  baseline: '${sha}'\n` },
  });
  return sha;
}

/** A repository whose policy comes from the organisation (productionAtDefaultBranch writes it). */
const gatedRepo = (): RepoTarget => e2e.newRepo({ policy: null });

/** Opens a PR, lets the app evaluate it (`success` unless `ready` says otherwise), merges it and delivers the merge. */
async function merge(pr: PullTarget): Promise<string> {
  const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
  const delivery = await e2e.send('pull_request', pullRequestMergedEvent(pr));
  expect(delivery.status).toBe(200);
  return mergeSha;
}

async function approvedChange(repo: RepoTarget): Promise<{ pr: PullTarget; mergeSha: string }> {
  const pr = e2e.openPullRequest(repo);
  e2e.makeReady(pr);
  expect((await e2e.evaluate(pr)).status.state).toBe('success');
  return { pr, mergeSha: await merge(pr) };
}

/** A workflow job starts waiting on production for `sha`; the app is asked; returns the run's gate (with the app's answers). */
async function requestGate(
  repo: RepoTarget,
  sha: string,
  deploymentId: number | null = null,
): Promise<{ gate: SimDeploymentGate; status: number }> {
  const gate = e2e.github.requestDeploymentGate({ ...repo, environment: 'production', sha, deploymentId });
  const delivery = await e2e.send('deployment_protection_rule', deploymentProtectionRuleEvent(target(repo), gate));
  return { gate, status: delivery.status };
}

const answerOf = (gate: SimDeploymentGate) => waitFor(`the app's answer on run ${gate.runId}`, () => gate.reviews[0]);

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { env: {}, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('the deployment gate', () => {
  it('approves a deployment of approved changes, lists them with their tickets, and traces them once deployed', async () => {
    const repo = gatedRepo();
    productionAtDefaultBranch(repo);
    const { pr, mergeSha } = await approvedChange(repo);
    const deployment = e2e.github.createDeployment({ ...repo, environment: 'production', sha: mergeSha, creator: 'release-bot' });
    expect((await e2e.send('deployment', deploymentEvent(target(repo), deployment))).status).toBe(200);

    const { gate, status } = await requestGate(repo, mergeSha, deployment.id);

    expect(status).toBe(200);
    const answer = await answerOf(gate);
    expect(answer.state).toBe('approved');
    expect(answer.comment).toMatch(
      new RegExp(
        `^Change Control approved ${mergeSha.slice(0, 7)} for production: 2 commits new since [0-9a-f]{7}, all from approved changes\\.\\n`,
      ),
    );
    expect(answer.comment).toContain(`- #${pr.number} CHG-1: rotate the TLS certificates (ticket CHG-1)`);

    // The job deploys; GitHub reports its success: the change is marked deployed to production.
    e2e.github.addDeploymentStatus({ ...repo, deploymentId: deployment.id, state: 'success' });
    expect((await e2e.send('deployment_status', deploymentStatusEvent(target(repo), deployment))).status).toBe(200);
    // The worker records it, after the webhook's answer.
    await e2e.idle();

    const trace = await cli('audit', 'trace', mergeSha, '--database', database);
    expect(trace).toMatchObject({ code: 0, stderr: '' });
    expect(trace.stdout).toContain(`Trace of ${mergeSha} in acme/${repo.repo}`);
    expect(trace.stdout).toMatch(/production success \(deployment \d+, triggered by release-bot\)/);
    expect(trace.stdout).toContain(`changes new to production: #${pr.number}`);
    expect(trace.stdout).toContain(`  #${pr.number} CHG-1: rotate the TLS certificates`);
    expect(trace.stdout).toContain('      ticket: CHG-1 (Approved; approver cara@acme.test)');
    expect(trace.stdout).toMatch(/ {6}approvers: bob@[0-9a-f]{7}/);
    expect(trace.stdout).toContain('      checks: build=success');
    expect(trace.stdout).toMatch(/ {6}merged by: bob at .* as [0-9a-f]{7}/);
    expect(trace.stdout).toMatch(/ {6}deployed: production \d{4}-.*Z \([0-9a-f]{7}, entry #\d+\)/);

    const exported = await cli(
      'audit',
      'export',
      '--since',
      '2000-01-01',
      '--until',
      '2100-01-01',
      '--format',
      'jsonl',
      '--repo',
      `acme/${repo.repo}`,
      '--database',
      database,
    );
    expect(JSON.parse(exported.stdout.trim())).toMatchObject({
      pr: pr.number,
      deployed_to: 'production',
      deployed_at: expect.stringMatching(/Z$/),
    });
  });

  it('rejects a deployment with a commit pushed straight to the branch, naming it', async () => {
    const repo = gatedRepo();
    productionAtDefaultBranch(repo);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    const direct = e2e.github.setFile({ ...repo, path: 'config/prod.env', text: 'DEBUG=true\n' });
    const mergeSha = await merge(pr);

    const { gate } = await requestGate(repo, mergeSha);

    const answer = await answerOf(gate);
    expect(answer.state).toBe('rejected');
    expect(answer.comment).toMatch(
      new RegExp(
        `^Change Control rejected ${mergeSha.slice(0, 7)} for production: 1 of 3 commits new since [0-9a-f]{7} have no approved change\\.\\n`,
      ),
    );
    expect(answer.comment).toContain(`- ${direct}: no merged pull request recorded by Change Control contains it`);
    expect(answer.comment).toContain(
      `Approved changes in this deployment:\n- #${pr.number} CHG-1: rotate the TLS certificates (ticket CHG-1)`,
    );
  });

  it('lets an emergency change without its retrospective approval deploy, and lists it as outstanding', async () => {
    const repo = gatedRepo();
    productionAtDefaultBranch(repo, EMERGENCY_POLICY);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    const { headSha } = await e2e.evaluate(pr);
    const posted = e2e.github.addComment({ ...pr, author: 'carol', body: '/change-control emergency INC-4711 card payments are failing' });
    const mark = e2e.github.mark();
    await e2e.send('issue_comment', issueCommentEvent(pr, posted));
    expect((await e2e.verdict(pr, headSha, mark)).status.state).toBe('success');
    await e2e.quiet();
    const mergeSha = await merge(pr);

    const { gate } = await requestGate(repo, mergeSha);

    const answer = await answerOf(gate);
    expect(answer.state).toBe('approved');
    expect(answer.comment).toContain('1 emergency change still awaits retrospective approval.');
    expect(answer.comment).toContain(
      `- #${pr.number} CHG-1: rotate the TLS certificates (ticket CHG-1) — emergency change authorised by @carol, retrospective approval outstanding`,
    );
    await e2e.quiet();
  });

  it('takes a 422 for a run already reviewed as done: the redelivery succeeds and nothing else is sent', async () => {
    const repo = gatedRepo();
    productionAtDefaultBranch(repo);
    const { mergeSha } = await approvedChange(repo);
    const { gate } = await requestGate(repo, mergeSha);
    await answerOf(gate);

    const again = await e2e.send('deployment_protection_rule', deploymentProtectionRuleEvent(target(repo), gate));

    expect(again.status).toBe(200);
    const path = `/api/v3/repos/acme/${repo.repo}/actions/runs/${gate.runId}/deployment_protection_rule`;
    expect(
      e2e.github
        .requests()
        .filter((r) => r.path === path)
        .map((r) => r.status),
    ).toEqual([204, 422]);
    expect(gate.reviews.map((r) => r.state)).toEqual(['approved']);
  });

  it('a forged deployment status: a hand-made success is a deployment-bypass and never moves production (issue 16)', async () => {
    const repo = gatedRepo();
    const production = productionAtDefaultBranch(repo);
    // A change merged without approval (an admin bypassing branch protection).
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    expect((await e2e.evaluate(pr)).status.state).toBe('pending');
    const mergeSha = await merge(pr);
    // The deployer deploys it by hand and posts the success status themselves: no gate was asked.
    const forged = e2e.github.createDeployment({ ...repo, environment: 'production', sha: mergeSha, creator: 'mallory' });
    e2e.github.addDeploymentStatus({ ...repo, deploymentId: forged.id, state: 'success', creator: 'mallory' });
    expect((await e2e.send('deployment_status', deploymentStatusEvent(target(repo), forged))).status).toBe(200);
    await e2e.idle();

    // Recorded as a deployment-bypass exception, with an issue, in the exceptions export.
    const issue = await waitFor('the deployment-bypass issue', () =>
      e2e.github.issues(repo).find((i) => i.title.includes('without the gate')),
    );
    expect(issue.body).toContain(`reported successful on production by @mallory, but Change Control did not approve it`);
    const exported = await cli(
      'audit',
      'export',
      '--exceptions',
      '--since',
      '2000-01-01',
      '--until',
      '2100-01-01',
      '--format',
      'jsonl',
      '--repo',
      `acme/${repo.repo}`,
      '--database',
      database,
    );
    const rows = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toContainEqual(
      expect.objectContaining({
        type: 'deployment-bypass',
        head_sha: mergeSha,
        reason: `deployment ${forged.id} to production reported successful by mallory`,
        issue_url: expect.stringContaining(`/issues/${issue.number}`),
      }),
    );

    // The next gated deployment of that commit is compared with the last one the gate approved: rejected, not waved through.
    const { gate } = await requestGate(repo, mergeSha);
    const answer = await answerOf(gate);
    expect(answer.state).toBe('rejected');
    expect(answer.comment).toContain(`new since ${production.slice(0, 7)}`);
    await e2e.quiet();
  });

  it('gives no answer for an environment the policy does not gate', async () => {
    const repo = e2e.newRepo();
    const gate = e2e.github.requestDeploymentGate({ ...repo, environment: 'staging', sha: e2e.github.defaultBranchHead(repo) });

    const delivery = await e2e.send('deployment_protection_rule', deploymentProtectionRuleEvent(target(repo), gate));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    expect(gate.reviews).toEqual([]);
  });
});

describe('the deployment gate with its evidence store unreachable', () => {
  let unreachable: E2E;
  let pglite: PGlite;
  let server: PGLiteSocketServer;

  beforeAll(async () => {
    // PostgreSQL (PGlite served on a socket) that the app migrates at start and that then stops answering.
    pglite = await PGlite.create();
    server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 20 });
    await server.start();
    unreachable = await startE2E({ env: { DATABASE_URL: `postgres://postgres@${server.getServerConn()}/postgres` } });
    await server.stop();
  }, 180_000);
  afterAll(async () => {
    await unreachable?.stop();
    await pglite?.close();
  });

  it('rejects, never approves, and says the evidence could not be read', async () => {
    const repo = unreachable.newRepo();
    const sha = unreachable.github.defaultBranchHead(repo);
    const gate = unreachable.github.requestDeploymentGate({ ...repo, environment: 'production', sha });

    const delivery = await unreachable.send(
      'deployment_protection_rule',
      deploymentProtectionRuleEvent({ github: unreachable.github, ...repo }, gate),
    );

    const answer = await waitFor('the rejection', () => gate.reviews[0]);
    expect(answer.state).toBe('rejected');
    expect(answer.comment).toMatch(
      new RegExp(
        `^Change Control rejected ${sha.slice(0, 7)} for production: the evidence could not be read \\(.*ECONNREFUSED.*\\)\\. Nothing is approved without it`,
      ),
    );
    // The rejection is sent; the delivery fails because not even the rejection could be recorded (a redelivery records it).
    expect(delivery.status).toBe(500);
    expect(unreachable.sims.unexpectedRequests()).toEqual({ github: [], jira: [] });
  });
});
