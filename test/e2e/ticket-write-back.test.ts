import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createSqliteAuditStore } from '../../src/store/sqlite-store.js';
import { DEFAULT_JIRA_CLOUD } from '../simulators/index.js';
import { CONFIG_PATH, STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { deploymentProtectionRuleEvent, deploymentStatusEvent } from './harness/deployment-webhooks.js';
import { waitFor } from './harness/wait.js';
import { pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';

/** `ticket.write_back`: on merge, the ticket links the PR and gets the evidence; a failure is recorded, never a verdict change. */

let e2e: E2E;
const dir = mkdtempSync(join(tmpdir(), 'cc-e2e-write-back-'));
const file = join(dir, 'audit.db');
useE2E((started) => (e2e = started), {
  env: { DATABASE_URL: `sqlite:${file}` },
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

const WRITE_BACK_POLICY = STANDARD_POLICY.replace('  projects: [CHG]', '  projects: [CHG]\n  write_back: true');

async function mergeApproved(
  ticket: string,
  repo = e2e.newRepo({ policy: WRITE_BACK_POLICY }),
): Promise<{ pr: PullTarget; mergeSha: string }> {
  const pr = e2e.openPullRequest(repo, { ticket });
  e2e.makeReady(pr, { ticket });
  expect((await e2e.evaluate(pr)).status.state).toBe('success');
  await e2e.quiet();
  const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });
  const delivery = await e2e.send('pull_request', pullRequestMergedEvent(pr));
  expect(delivery.status).toBe(200);
  await e2e.quiet();
  return { pr, mergeSha };
}

async function writeBackEntries(prNumber: number, repo: string) {
  const store = createSqliteAuditStore({ path: file });
  try {
    return await store.list({ repo, prNumber, kinds: ['ticket-write-back', 'merge'] });
  } finally {
    await store.close();
  }
}

describe('ticket write-back on merge (Jira Cloud)', () => {
  it('adds a remote link to the PR (global id = PR URL) and an ADF comment with the evidence', async () => {
    const { pr, mergeSha } = await mergeApproved('CHG-51');
    const prUrl = `${e2e.github.url}/${pr.owner}/${pr.repo}/pull/${pr.number}`;

    const writes = e2e.jira.writes();

    expect(writes.map((w) => [w.kind, w.key, w.apiVersion])).toEqual([
      ['remotelink', 'CHG-51', '3'],
      ['comment', 'CHG-51', '3'],
    ]);
    expect(writes[0]?.body).toEqual({
      globalId: prUrl,
      application: { type: 'com.github', name: 'GitHub' },
      relationship: 'merged in',
      object: expect.objectContaining({ url: prUrl, title: `${pr.owner}/${pr.repo}#${pr.number}: CHG-51: rotate the TLS certificates` }),
    });
    const comment = writes[1]?.body as {
      body: { type: string; version: number; content: { type: string; content: { type: string; text: string }[] }[] };
    };
    expect(comment.body).toMatchObject({ type: 'doc', version: 1 });
    const text = comment.body.content.map((p) => p.content.map((t) => t.text).join('')).join('\n');
    expect(text).toContain(`Merge commit: ${mergeSha}, merged by bob`);
    expect(text).toContain('Ticket approved by: cara@acme.test');
    expect(text).toMatch(/Code approvals: bob \([0-9a-f]{7}, /);
    expect(text).toContain('Checks: build=success');
    expect(text).toContain('Change control at merge: success');

    // The unverified claim, the verified merge evidence, then the write-back.
    const entries = await writeBackEntries(pr.number, `${pr.owner}/${pr.repo}`);
    expect(entries.map((e) => e.kind)).toEqual(['merge', 'merge', 'ticket-write-back']);
    expect(entries[2]?.data).toMatchObject({ key: 'CHG-51', provider: 'jira', ok: true, mergeSha });
  });

  it('records a refused write-back in the audit trail; the merge evidence and the verdict stand', async () => {
    e2e.jira.failNextWrites(403, 2);

    const { pr, mergeSha } = await mergeApproved('CHG-52');

    expect(e2e.jira.writes()).toEqual([]);
    const entries = await writeBackEntries(pr.number, `${pr.owner}/${pr.repo}`);
    expect(entries.map((e) => e.kind)).toEqual(['merge', 'merge', 'ticket-write-back']);
    expect(entries[1]?.data).toMatchObject({ evidence: 'verified', atMerge: { state: 'success' }, exceptions: [] });
    expect(entries[2]?.data).toEqual({
      key: 'CHG-52',
      provider: 'jira',
      ok: false,
      mergeSha,
      event: 'merge',
      steps: [
        {
          step: 'remote-link',
          ok: false,
          error: 'Jira refused CHG-52 (remote link) (HTTP 403): You do not have permission to add comments to this issue.',
        },
        {
          step: 'comment',
          ok: false,
          error: 'Jira refused CHG-52 (comment) (HTTP 403): You do not have permission to add comments to this issue.',
        },
      ],
    });
    expect(e2e.github.issues(pr)).toEqual([]);
    // The failure is logged (warn), without the Jira credentials.
    const output = e2e.app.output();
    expect(output).toContain('ticket write-back failed');
    expect(output).not.toContain(DEFAULT_JIRA_CLOUD.apiToken);
    expect(output).not.toContain(Buffer.from(`${DEFAULT_JIRA_CLOUD.email}:${DEFAULT_JIRA_CLOUD.apiToken}`).toString('base64'));
  });
});

describe('ticket write-back on deployment', () => {
  it('comments on the ticket of each change a successful gated deployment brought to production', async () => {
    // Production runs the default branch head (the baseline, in the organisation's policy so it adds no commit).
    const repo = e2e.newRepo({ policy: null });
    const base = e2e.github.defaultBranchHead(repo);
    e2e.github.addRepository({
      owner: repo.owner,
      repo: '.github',
      installationId: repo.installationId,
      files: { [CONFIG_PATH]: `${WRITE_BACK_POLICY}deployments:\n  baseline: '${base}'\n` },
    });
    const { pr, mergeSha } = await mergeApproved('CHG-53', repo);
    const deployment = e2e.github.createDeployment({ ...repo, environment: 'production', sha: mergeSha, creator: 'release-bot' });
    // The gate approves it (only an approved deployment's success moves production and tells the tickets).
    const gate = e2e.github.requestDeploymentGate({ ...repo, environment: 'production', sha: mergeSha, deploymentId: deployment.id });
    await e2e.send('deployment_protection_rule', deploymentProtectionRuleEvent({ github: e2e.github, ...repo }, gate));
    expect((await waitFor('the gate answer', () => gate.reviews[0])).state).toBe('approved');
    e2e.github.addDeploymentStatus({ ...repo, deploymentId: deployment.id, state: 'success' });

    const delivery = await e2e.send('deployment_status', deploymentStatusEvent({ github: e2e.github, ...repo }, deployment));
    await e2e.quiet();

    expect(delivery.status).toBe(200);
    const comments = e2e.jira.writes().filter((w) => w.kind === 'comment');
    expect(comments).toHaveLength(2); // the merge evidence, then the deployment
    const body = comments[1]?.body as { body: { content: { content: { text: string }[] }[] } };
    const text = body.body.content.map((p) => p.content.map((t) => t.text).join('')).join('\n');
    expect(text).toContain(`Reached production: ${e2e.github.url}/${pr.owner}/${pr.repo}/pull/${pr.number}`);
    expect(text).toContain(`Deployed commit: ${mergeSha} (deployment ${deployment.id}`);
    expect(text).toContain('Deployed by: release-bot');
    const entries = await writeBackEntries(pr.number, `${pr.owner}/${pr.repo}`);
    expect(entries.filter((e) => e.kind === 'ticket-write-back').map((e) => e.data)).toEqual([
      expect.objectContaining({ key: 'CHG-53', event: 'merge', ok: true }),
      expect.objectContaining({ key: 'CHG-53', event: 'deployment', environment: 'production', deploymentId: deployment.id, ok: true }),
    ]);
  });
});
