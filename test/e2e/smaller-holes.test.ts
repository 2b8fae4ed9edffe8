import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { CONFIG_PATH, OWNER, STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { runCli } from './harness/run-cli.js';
import { issueCommentEvent, pullRequestEvent, pullRequestMergedEvent } from './harness/webhooks.js';

/** The smaller holes of issue 16 (docs/security.md), through the real process and the simulators. */

/** The organisation's floor: two approvals, where the repository's own policy asks for one. */
const ORG_FLOOR = `${STANDARD_POLICY}floor:\n  approval: {count: 2}\n`;

let e2e: E2E;
const dir = mkdtempSync(join(tmpdir(), 'cc-e2e-holes-'));
const databasePath = join(dir, 'audit.db');
useE2E((started) => (e2e = started), {
  env: { DATABASE_URL: `sqlite:${databasePath}` },
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

describe('a ticket key hidden in an HTML comment', () => {
  it('does not count: the ticket control fails and Jira is never asked about the hidden key', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo(), { title: 'Rotate the TLS certificates', body: 'Routine rotation.\n<!-- CHG-1 -->' });
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(checkRun?.output.text ?? '').not.toContain('CHG-1');
    expect(e2e.jira.requests().filter((r) => r.path.includes('CHG-1'))).toEqual([]);
  });

  it('the same key outside the comment counts', async () => {
    const pr = e2e.openPullRequest(e2e.newRepo(), { title: 'Rotate the TLS certificates', body: 'Ticket: CHG-1 <!-- reviewer notes -->' });
    e2e.makeReady(pr);

    expect((await e2e.evaluate(pr)).status.state).toBe('success');
  });
});

describe('an unreadable organisation .github repository', () => {
  it('is an error naming it, never a silent fallback to the repository policy alone; readable again, its floor applies', async () => {
    const repo = e2e.newRepo();
    e2e.github.addRepository({ owner: OWNER, repo: '.github', installationId: repo.installationId, files: { [CONFIG_PATH]: ORG_FLOOR } });
    e2e.github.setUnreadable({ owner: OWNER, repo: '.github' }, true);
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toContain('.github');

    // Readable again, its floor (two approvals) applies: the one approval is not enough. No false success either way.
    e2e.github.setUnreadable({ owner: OWNER, repo: '.github' }, false);
    const again = await e2e.evaluate(pr, { payload: pullRequestEvent(pr, 'edited') });
    expect(again.status.state).not.toBe('success');
    expect(again.status.state).toBe('pending');
  });
});

describe('a queue row that cannot be parsed', () => {
  it('is moved to the dead letters with an alert and a metric; the rest of the queue flows and nothing is lost', async () => {
    const poison = '{"kind": "pull", "installationId": 1, "owner": "acme", truncated';
    const db = new Database(databasePath);
    try {
      db.pragma('busy_timeout = 5000');
      // Ready since the epoch: the first row any claim looks at.
      db.prepare(
        "INSERT INTO queue_items (key, installation_id, pending, running, lease_owner, lease_until_ms, attempts, next_at_ms, enqueued_ms, pending_since_ms, last_error) VALUES ('pull:acme/ghost#1', 1, ?, NULL, NULL, NULL, 0, 0, 0, 0, NULL)",
      ).run(poison);
    } finally {
      db.close();
    }
    const pr = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(pr);

    const { status } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    const moved = await e2e.app.query<{ key: string; row: string; error: string }>('SELECT key, row, error FROM queue_dead_letters');
    expect(moved).toEqual([
      { key: 'pull:acme/ghost#1', row: expect.stringContaining('truncated'), error: expect.stringContaining('pending cannot be parsed') },
    ]);
    expect(await e2e.app.query("SELECT key FROM queue_items WHERE key = 'pull:acme/ghost#1'")).toEqual([]);
    const alert = e2e.app
      .output()
      .split('\n')
      .find((line) => line.includes('moved to queue_dead_letters'));
    expect(alert && JSON.parse(alert)).toMatchObject({ level: 50, work: 'pull:acme/ghost#1' });
    expect(await (await fetch(`${e2e.app.url}/metrics`)).text()).toMatch(/^change_control_queue_dead_letters 1$/m);
  });
});

describe('facts that decide are read back from GitHub, not taken from the delivery', () => {
  it('a merge delivery naming another merger and merge commit: the evidence records GitHub’s', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr, { reviewer: null });
    expect((await e2e.evaluate(pr)).status.state).toBe('pending');
    const mergeSha = e2e.github.mergePullRequest({ ...pr, mergedBy: 'admin' });
    const payload = pullRequestMergedEvent(pr);
    Object.assign(payload.pull_request, { merge_commit_sha: 'f'.repeat(40), merged_by: { ...payload.pull_request.user, login: 'bob' } });

    expect((await e2e.send('pull_request', payload)).status).toBe(200);
    await e2e.quiet();

    const rows = await e2e.app.query<{ data: string }>(
      `SELECT data FROM audit_entries WHERE kind = 'merge' AND repo = '${pr.owner}/${pr.repo}' ORDER BY seq`,
    );
    // The claim keeps the delivery's word, marked unverified and deciding nothing; the evidence is GitHub's.
    expect(rows.map((row) => JSON.parse(row.data) as { mergeSha: string; mergedBy: string })).toEqual([
      expect.objectContaining({ evidence: 'unverified', mergeSha: 'f'.repeat(40), mergedBy: 'bob', gate: null, exceptions: [] }),
      expect.objectContaining({ evidence: 'verified', mergeSha, mergedBy: 'admin', exceptions: ['bypass'] }),
    ]);
    expect(
      e2e.github
        .issues(repo)
        .map((issue) => issue.body)
        .join('\n'),
    ).toContain('admin');
  });

  it('a merge delivery for a pull request GitHub says is open: its claim is refuted, no exception, no issue, no merge in the export', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    const payload = pullRequestEvent(pr, 'opened');
    Object.assign(payload, { action: 'closed' });
    Object.assign(payload.pull_request, {
      state: 'closed',
      merged: true,
      merge_commit_sha: 'f'.repeat(40),
      merged_at: '2025-01-06T10:00:00Z',
      merged_by: { ...payload.pull_request.user, login: 'bob' },
    });

    await e2e.send('pull_request', payload);
    await e2e.quiet();

    const rows = await e2e.app.query<{ kind: string; data: string }>(
      `SELECT kind, data FROM audit_entries WHERE kind IN ('merge', 'exception') AND repo = '${pr.owner}/${pr.repo}' ORDER BY seq`,
    );
    expect(rows.map((row) => [row.kind, (JSON.parse(row.data) as { evidence: string }).evidence])).toEqual([
      ['merge', 'unverified'],
      ['merge', 'refuted'],
    ]);
    expect(e2e.github.issues(repo)).toEqual([]);
    const exported = await runCli(e2e, [
      'audit',
      'export',
      '--since',
      '2000-01-01',
      '--until',
      '2100-01-01',
      '--repo',
      `${pr.owner}/${pr.repo}`,
    ]);
    expect(exported.stdout.trim().split('\r\n')).toHaveLength(1); // the header alone
  });

  it('a command delivery naming another author or body: GitHub’s comment decides', async () => {
    const repo = e2e.newRepo();
    const pr = e2e.openPullRequest(repo);
    e2e.makeReady(pr);
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    // dave (no access) wrote "/change-control recheck"; the delivery claims alice wrote an emergency authorisation.
    const posted = e2e.github.addComment({
      owner: pr.owner,
      repo: pr.repo,
      number: pr.number,
      author: 'dave',
      body: '/change-control recheck',
    });
    const payload = issueCommentEvent(pr, posted);
    Object.assign(payload.comment, { body: '/change-control emergency forged', user: { ...payload.comment.user, login: 'alice' } });

    await e2e.send('issue_comment', payload);
    await e2e.quiet();

    const commands = await e2e.app.query<{ data: string }>(
      `SELECT data FROM audit_entries WHERE kind = 'command' AND repo = '${pr.owner}/${pr.repo}'`,
    );
    expect(commands.map((row) => JSON.parse(row.data) as { by: string; command: string })).toEqual([
      expect.objectContaining({ by: 'dave', command: 'recheck' }),
    ]);
    expect(await e2e.app.query(`SELECT seq FROM audit_entries WHERE kind = 'emergency' AND repo = '${pr.owner}/${pr.repo}'`)).toEqual([]);
  });
});

describe('the check run of a public repository', () => {
  function publicRepo(policy: string): { owner: string; repo: string; installationId: number } {
    const target = {
      owner: OWNER,
      repo: `public-${Math.random().toString(36).slice(2, 8)}`,
      installationId: 900 + Math.floor(Math.random() * 1000),
    };
    e2e.github.addRepository({ ...target, private: false, files: { 'README.md': '# public\n', [CONFIG_PATH]: policy } });
    return target;
  }

  it("shows the ticket's key and status only; the details stay in the audit store", async () => {
    const pr = e2e.openPullRequest(publicRepo(STANDARD_POLICY));
    e2e.makeReady(pr);

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    const summary = checkRun?.output.summary ?? '';
    expect(summary).toContain('Key: **CHG-1** (found in the PR title): status **Approved**');
    expect(summary).not.toContain('Rotate TLS certificates'); // the ticket's summary in Jira
    expect(summary).not.toContain(e2e.jira.url);
    const [entry] = await e2e.app.query<{ data: string }>(
      `SELECT data FROM audit_entries WHERE kind = 'verdict' AND repo = '${pr.owner}/${pr.repo}'`,
    );
    expect(entry?.data).toContain('Rotate TLS certificates');
  });

  it('shows them with report.ticket_details: true', async () => {
    const pr = e2e.openPullRequest(publicRepo(`${STANDARD_POLICY}report:\n  ticket_details: true\n`));
    e2e.makeReady(pr);

    const { checkRun } = await e2e.evaluate(pr);

    expect(checkRun?.output.summary ?? '').toContain('Rotate TLS certificates');
  });
});
