import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo, emergencyEntry, exceptionEntry, mergeEntry, retroApprovalEntry, seedStore, sha, tempDir } from './seed.js';

/** February 2026: four emergency changes in every state of their retrospective approval, and one bypass. */
const temp = tempDir();
const database = `sqlite:${join(temp.dir, 'audit.db')}`;
const FEBRUARY = ['--since', '2026-02-01', '--until', '2026-03-01'];

beforeAll(async () => {
  await seedStore(join(temp.dir, 'audit.db'), [
    emergencyEntry({ number: 50, at: '2026-02-02T10:00:00.000Z', dueAt: '2026-02-05T10:00:00.000Z' }), // 1: never approved
    emergencyEntry({
      number: 51,
      at: '2026-02-03T10:00:00.000Z',
      dueAt: '2026-02-06T10:00:00.000Z',
      reason: '=HYPERLINK("http://evil.example")',
    }), // 2
    retroApprovalEntry({ number: 51, at: '2026-02-04T09:00:00.000Z', emergencySeq: 2, dueAt: '2026-02-06T10:00:00.000Z' }), // 3: in time
    mergeEntry({ number: 51, at: '2026-02-04T10:00:00.000Z', head: sha('d'), mergedBy: 'carol' }), // 4
    emergencyEntry({ number: 52, at: '2026-02-10T10:00:00.000Z', dueAt: '2026-02-13T10:00:00.000Z' }), // 5
    retroApprovalEntry({ number: 52, at: '2026-02-20T10:00:00.000Z', emergencySeq: 5, dueAt: '2026-02-13T10:00:00.000Z' }), // 6: late
    mergeEntry({ number: 60, at: '2026-02-21T10:00:00.000Z', head: sha('b'), bypass: true, mergedBy: 'admin-carol' }), // 7
    exceptionEntry({ number: 60, at: '2026-02-21T10:00:02.000Z', head: sha('b'), mergedBy: 'admin-carol' }), // 8
    emergencyEntry({ number: 53, at: '2026-02-27T10:00:00.000Z', dueAt: '2026-03-02T10:00:00.000Z' }), // 9: not yet due
    emergencyEntry({ number: 54, at: '2026-03-01T00:00:00.000Z', dueAt: '2026-03-04T00:00:00.000Z' }), // 10: outside the period
  ]);
});
afterAll(() => temp.remove());

async function exportRows(now: string, ...args: string[]): Promise<Array<Record<string, unknown>>> {
  const captured = captureIo();
  const code = await runCli(['audit', 'export', ...FEBRUARY, '--exceptions', '--format', 'jsonl', '--database', database, ...args], {
    ...captured.io,
    now: () => new Date(now),
  });
  expect({ code, stderr: captured.stderr() }).toEqual({ code: 0, stderr: '' });
  return captured
    .stdout()
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('audit export --exceptions: emergency changes', () => {
  it('lists each emergency of the period with its retrospective approval; overdue ones as emergency-overdue', async () => {
    const rows = await exportRows('2026-03-01T12:00:00.000Z');

    expect(rows.map((row) => [row.pr, row.type])).toEqual([
      [50, 'emergency-overdue'],
      [51, 'emergency'],
      [52, 'emergency'],
      [60, 'bypass'],
      [53, 'emergency'],
    ]);
    expect(rows[0]).toMatchObject({
      repo: 'acme/payments',
      title: 'PAY-12 hotfix 50',
      author: 'alice',
      head_sha: sha('d'),
      merged_at: null,
      authorised_by: 'carol',
      reason: 'INC-4711 card payments failing',
      due_at: '2026-02-05T10:00:00.000Z',
      retro_approved_by: null,
      retro_approved_at: null,
      issue_url: 'https://github.com/acme/payments/issues/150',
      exceptions: [
        'approval: Needs 1 more independent approval',
        'checks: Failed: ci/test',
        'retrospective approval overdue since 2026-02-05T10:00:00.000Z',
      ],
      audit_seq: 1,
    });
    expect(rows[1]).toMatchObject({
      merged_by: 'carol',
      merged_at: '2026-02-04T10:00:00.000Z',
      retro_approved_by: 'erin',
      retro_approved_at: '2026-02-04T09:00:00.000Z',
    });
    expect(rows[2]?.exceptions).toContain('approved retrospectively by erin after it was due (2026-02-13T10:00:00.000Z)');
    expect(rows[3]).toMatchObject({ type: 'bypass', authorised_by: null, due_at: null });
    expect(rows[4]?.exceptions).toContain('retrospective approval due by 2026-03-02T10:00:00.000Z');
  });

  it('judges the approval as known at the time of the export', async () => {
    const rows = await exportRows('2026-02-06T12:00:00.000Z');

    // #51 was approved on 02-04, before its due time; #52's approval (02-20) did not exist yet and was not due.
    expect(rows.map((row) => [row.pr, row.type, row.retro_approved_by])).toEqual([
      [50, 'emergency-overdue', null],
      [51, 'emergency', 'erin'],
      [52, 'emergency', null],
      [60, 'bypass', null],
      [53, 'emergency', null],
    ]);
  });

  it('adds the emergency columns to the CSV and neutralises a reason written as a formula', async () => {
    const captured = captureIo();

    const code = await runCli(['audit', 'export', ...FEBRUARY, '--exceptions', '--database', database], captured.io);

    expect(code).toBe(0);
    expect(captured.stdout().split('\r\n')[0]).toMatch(
      /,policy,deployed_to,deployed_at,recorded_by,reconciled_up_to,audit_seq,entry_hash,issue_url,type,authorised_by,reason,due_at,retro_approved_by,retro_approved_at$/,
    );
    expect(captured.stdout()).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it('counts the emergency changes and the overdue ones in the HTML report', async () => {
    const captured = captureIo();

    await runCli(['audit', 'export', ...FEBRUARY, '--exceptions', '--format', 'html', '--database', database], captured.io);

    expect(captured.stdout()).toContain('<p>5 exceptions in the period. 4 emergency changes, 1 overdue for retrospective approval.</p>');
  });

  it('leaves emergencies out of the merged-changes export', async () => {
    const captured = captureIo();

    await runCli(['audit', 'export', ...FEBRUARY, '--format', 'jsonl', '--database', database], captured.io);

    expect(
      captured
        .stdout()
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { pr: number }).pr),
    ).toEqual([51, 60]);
  });
});
