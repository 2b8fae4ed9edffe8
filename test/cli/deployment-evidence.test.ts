import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NewAuditEntry } from '../../src/audit/audit-entry.js';
import type { DeployedChange } from '../../src/audit/deployment-records.js';
import { runCli } from '../../src/cli/run-cli.js';
import { deploymentEntry, deploymentStatusEntry, emergencyEntry, mergeEntry, sha } from '../fixtures/deployment-entries.js';
import { captureIo, seedStore, tempDir } from './seed.js';

const REPO = 'acme/payments';
const PROD = sha('e');
const M1 = sha('1');
const M2 = sha('2');
const temp = tempDir();
const database = `sqlite:${join(temp.dir, 'audit.db')}`;

function deployed(prNumber: number, mergeSha: string, mergeSeq: number, emergency = false): DeployedChange {
  return {
    prNumber,
    title: `change ${prNumber}`,
    url: `https://github.com/${REPO}/pull/${prNumber}`,
    headSha: sha(prNumber === 1 ? 'a' : 'b'),
    mergeSha,
    mergeSeq,
    ticket: 'CHG-1',
    basis: emergency ? 'emergency' : 'approved',
    emergency: emergency ? { by: 'oncall', seq: 2, retro: 'awaiting', retroBy: null } : null,
  };
}

/** #1 approved and merged as M1 (its commit aaaa…); #2 an emergency merged as M2; M2 deployed to production (bringing both), a failed deployment before it. */
const entries: NewAuditEntry[] = [
  mergeEntry({ repo: REPO, number: 1, at: '2026-02-02T10:00:00Z', head: sha('a'), mergeSha: M1, commits: [sha('a')] }),
  emergencyEntry({ repo: REPO, number: 2, head: sha('b'), at: '2026-02-03T09:00:00Z', dueAt: '2026-02-06T09:00:00Z' }),
  mergeEntry({
    repo: REPO,
    number: 2,
    at: '2026-02-03T10:00:00Z',
    head: sha('b'),
    mergeSha: M2,
    commits: [sha('b')],
    gate: 'pending',
    atMerge: 'pending',
  }),
  deploymentStatusEntry({ repo: REPO, at: '2026-02-03T11:00:00Z', sha: M1, state: 'failure', deploymentId: 70 }),
  deploymentEntry({ repo: REPO, at: '2026-02-03T12:00:00Z', sha: M2, deploymentId: 77, creator: 'deployer' }),
  NewAuditEntry.parse({
    kind: 'deployment-gate',
    at: '2026-02-03T12:00:01Z',
    deliveryId: 'd-gate-1',
    repo: REPO,
    prNumber: null,
    headSha: M2,
    data: {
      environment: 'production',
      sha: M2,
      ref: 'main',
      runId: 5,
      deploymentId: 77,
      state: 'approved',
      comment: 'Change Control approved 2222222 for production: 3 commits new since eeeeeee, all from approved changes.\n- #1 …',
      previous: { sha: PROD, source: 'audit' },
      commitCount: 3,
      changes: [],
      uncovered: [],
      error: null,
    },
  }),
  deploymentStatusEntry({
    repo: REPO,
    at: '2026-02-03T12:05:00Z',
    sha: M2,
    deploymentId: 77,
    previous: PROD,
    changes: [deployed(1, M1, 1), deployed(2, M2, 3, true)],
  }),
  // The same commit in another repository (a fork): a SHA alone does not say which is meant.
  deploymentStatusEntry({ repo: 'acme/payments-fork', at: '2026-02-04T12:05:00Z', sha: sha('a'), state: 'failure' }),
  // #3 merged, never deployed.
  mergeEntry({ repo: REPO, number: 3, at: '2026-02-05T10:00:00Z', head: sha('c'), mergeSha: sha('3'), commits: [sha('c')] }),
];

beforeAll(async () => {
  await seedStore(join(temp.dir, 'audit.db'), entries);
});
afterAll(() => temp.remove());

async function run(...argv: string[]) {
  const captured = captureIo();
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('audit trace', () => {
  it('goes from a production commit back to each change, its evidence and its deployments', async () => {
    const { code, stdout, stderr } = await run('audit', 'trace', M2, '--database', database);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      [
        `Trace of ${M2} in ${REPO}`,
        '',
        'Deployments of this commit:',
        '  #7 2026-02-03T12:05:00Z production success (deployment 77, triggered by deployer)',
        '      after eeeeeee (known from audit); changes new to production: #1, #2',
        '',
        'Deployment gate:',
        '  #6 2026-02-03T12:00:01Z production approved: Change Control approved 2222222 for production: 3 commits new since eeeeeee, all from approved changes.',
        '',
        'Changes (0 standard, 1 normal, 1 emergency):',
        '  #1 CHG-1: change 1',
        `      url: https://github.com/${REPO}/pull/1`,
        '      author: alice',
        '      ticket: CHG-1 (Approved; approver carol)',
        '      change type: normal',
        '      approvers: dave@aaaaaaa',
        '      checks: build=success',
        '      merged by: bob at 2026-02-02T10:00:00Z as 1111111 (head aaaaaaa; merge entry #1)',
        '      verdict: gate success, at merge success; evidence: verified; exceptions: none',
        '      gate on main at merge: unknown (no enforcement check recorded before the merge)',
        '      deployed: production 2026-02-03T12:05:00Z (2222222, entry #7)',
        '  #2 CHG-1: change 2',
        `      url: https://github.com/${REPO}/pull/2`,
        '      author: alice',
        '      ticket: CHG-1 (Approved; approver carol)',
        '      change type: emergency',
        '      approvers: none',
        '      checks: build=success',
        '      merged by: bob at 2026-02-03T10:00:00Z as 2222222 (head bbbbbbb; merge entry #3)',
        '      verdict: gate pending, at merge pending; evidence: verified; exceptions: bypass',
        '      gate on main at merge: unknown (no enforcement check recorded before the merge)',
        '      emergency: authorised by oncall (entry #2), retrospective approval overdue',
        '      deployed: production 2026-02-03T12:05:00Z (2222222, entry #7)',
        '',
      ].join('\n'),
    );
  });

  it('traces a commit of a change by a SHA prefix: the change and where it was deployed', async () => {
    const { code, stdout } = await run('audit', 'trace', 'aaaaaaa', '--repo', REPO, '--database', database);

    expect(code).toBe(0);
    expect(stdout).toContain(`Trace of ${sha('a')} in ${REPO}`);
    expect(stdout).toContain('Deployments of this commit:\n  none recorded');
    expect(stdout).toContain('  #1 CHG-1: change 1');
    expect(stdout).not.toContain('  #2 ');
    expect(stdout).toContain('deployed: production 2026-02-03T12:05:00Z');
  });

  it('shows a failed deployment of the commit', async () => {
    const { stdout } = await run('audit', 'trace', M1, '--database', database);

    expect(stdout).toContain('  #4 2026-02-03T11:00:00Z production failure (deployment 70, triggered by release-bot)');
  });

  it('prints the trace as JSON', async () => {
    const { code, stdout } = await run('audit', 'trace', M2, '--json', '--database', database);

    expect(code).toBe(0);
    const trace = JSON.parse(stdout) as { sha: string; changes: Array<{ record: { pr: { number: number } }; via: string }> };
    expect(trace.sha).toBe(M2);
    expect(trace.changes.map((c) => [c.record.pr.number, c.via])).toEqual([
      [1, 'deployment'],
      [2, 'deployment'],
    ]);
  });

  it.each([
    ['an unknown commit: exit 1', [sha('9')], 1, `no audit evidence for ${sha('9')}`],
    ['another repository: exit 1', [M2, '--repo', 'acme/ledger'], 1, 'in acme/ledger'],
    ['a SHA that is not hex: exit 2', ['production'], 2, 'the commit must be a SHA of 7 to 40 hex digits, got "production"'],
    [
      'a SHA known in two repositories: exit 2',
      ['aaaaaaa'],
      2,
      'aaaaaaa names more than one commit in the audit trail (acme/payments aaaa',
    ],
  ])('%s', async (_case, args, expected, message) => {
    const { code, stderr } = await run('audit', 'trace', ...args, '--database', database);

    expect(code).toBe(expected);
    expect(stderr).toContain(message);
  });
});

describe('audit export: deployment columns', () => {
  it('gives each change the first successful deployment that brought it, and none to a change never deployed', async () => {
    const { code, stdout } = await run(
      'audit',
      'export',
      '--since',
      '2026-02-01',
      '--until',
      '2026-03-01',
      '--format',
      'jsonl',
      '--repo',
      REPO,
      '--database',
      database,
    );

    expect(code).toBe(0);
    const rows = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { pr: number; deployed_to: string | null; deployed_at: string | null });
    expect(rows.map((r) => [r.pr, r.deployed_to, r.deployed_at])).toEqual([
      [1, 'production', '2026-02-03T12:05:00Z'],
      [2, 'production', '2026-02-03T12:05:00Z'],
      [3, null, null],
    ]);
  });

  it('leaves the columns empty in CSV for a change not deployed', async () => {
    const { stdout } = await run(
      'audit',
      'export',
      '--since',
      '2026-02-01',
      '--until',
      '2026-03-01',
      '--repo',
      REPO,
      '--database',
      database,
    );

    const [header = '', , , third = ''] = stdout.split('\r\n');
    expect(header).toContain(',change_type,standard_class,policy,deployed_to,deployed_at,recorded_by,reconciled_up_to,audit_seq,');
    expect(third).toMatch(/^acme\/payments,3,.*,normal,,acme\/payments:\.github\/change-control\.yml@c{40},,,[^,]*,[^,]*,9,[0-9a-f]{64}$/);
  });
});
