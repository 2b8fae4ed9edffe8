import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { exportCommand } from '../../src/cli/export-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo, januaryEntries, mergeEntry, seedStore, tempDir, XSS_TITLE } from './seed.js';

const temp = tempDir();
const dbPath = join(temp.dir, 'audit.db');
const database = `sqlite:${dbPath}`;
const JANUARY = ['--since', '2026-01-01', '--until', '2026-02-01'];

beforeAll(async () => {
  await seedStore(dbPath, januaryEntries());
});
afterAll(() => temp.remove());

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo();
  const code = await runCli(['audit', 'export', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function csvColumn(csv: string, column: string): string[] {
  const [header = '', ...lines] = csv.trimEnd().split('\r\n');
  const index = header.split(',').indexOf(column);
  return lines.map((line) => line.split(',')[index] ?? '');
}

describe('audit export', () => {
  it('writes one CSV row per merged PR in the period, in audit order', async () => {
    const { code, stdout, stderr } = await run(...JANUARY, '--database', database);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\r\n')[0]).toBe(
      'repo,pr,title,url,author,merged_at,merged_by,merge_sha,head_sha,base,ticket,ticket_status,ticket_approver,approvers,checks,security,gate_state,verdict_at_merge,evidence,exceptions,change_type,standard_class,policy,deployed_to,deployed_at,recorded_by,reconciled_up_to,audit_seq,entry_hash',
    );
    expect(csvColumn(stdout, 'pr')).toEqual(['40', '41', '7', '42', '43']);
    expect(stdout).toContain(',admin-carol,');
    expect(stdout).toContain(',pending,pending,verified,bypass,');
  });

  it.each([
    [
      'since is inclusive, until exclusive (date only = 00:00 UTC)',
      ['--since', '2026-01-01', '--until', '2026-02-01'],
      ['40', '41', '7', '42', '43'],
    ],
    [
      'an until a millisecond later takes in the merge at midnight',
      ['--since', '2026-01-01', '--until', '2026-02-01T00:00:00.001Z'],
      ['40', '41', '7', '42', '43', '44'],
    ],
    [
      'a since a millisecond earlier takes in the last merge of 2025',
      ['--since', '2025-12-31T23:59:59.999Z', '--until', '2026-01-02'],
      ['39', '40'],
    ],
    ['times with an offset', ['--since', '2026-01-06T12:00:00+01:00', '--until', '2026-01-06T12:00:00.001+01:00'], ['41']],
    ['a period with nothing in it', ['--since', '2026-06-01', '--until', '2026-07-01'], []],
  ])('period boundaries: %s', async (_case, period, prs) => {
    const { code, stdout } = await run(...period, '--database', database);

    expect(code).toBe(0);
    expect(csvColumn(stdout, 'pr')).toEqual(prs);
  });

  it('filters by --repo', async () => {
    const { stdout } = await run(...JANUARY, '--repo', 'acme/ledger', '--database', database);

    expect(csvColumn(stdout, 'repo')).toEqual(['acme/ledger']);
    expect(stdout).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
  });

  it('writes JSONL with the same fields', async () => {
    const { code, stdout } = await run(...JANUARY, '--format', 'jsonl', '--database', database);

    const rows = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(code).toBe(0);
    expect(rows.map((row) => row.pr)).toEqual([40, 41, 7, 42, 43]);
    expect(rows[3]).toMatchObject({
      title: XSS_TITLE,
      merged_by: 'admin-carol',
      exceptions: ['bypass'],
      gate_state: 'pending',
      audit_seq: 11,
    });
  });

  it('lists only the exceptions with --exceptions, joined to the merge record', async () => {
    const { code, stdout } = await run(...JANUARY, '--exceptions', '--format', 'jsonl', '--database', database);

    const rows = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(code).toBe(0);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      repo: 'acme/payments',
      pr: 42,
      title: XSS_TITLE,
      merged_by: 'admin-carol',
      audit_seq: 12,
      issue_url: 'https://github.com/acme/audit/issues/42',
      exceptions: ['the last verdict on the merged head was pending: Waiting for 1 approval', 'approval: 0 of 1 independent approvals'],
    });
  });

  it('writes a self-contained HTML report with the chain status, escaping PR titles', async () => {
    const { code, stdout } = await run(...JANUARY, '--format', 'html', '--database', database);

    expect(code).toBe(0);
    expect(stdout).toContain('<dd class="ok">OK</dd>');
    expect(stdout).toMatch(/OK: 14 entries, head [0-9a-f]{64}/);
    expect(stdout).toContain('5 merged changes in the period; 1 with exceptions.');
    expect(stdout).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(stdout).not.toContain(XSS_TITLE);
    expect(stdout).not.toMatch(/<script/i);
  });

  it('runs in-process without commander, with the store from DATABASE_URL', async () => {
    const captured = captureIo({ DATABASE_URL: database });

    const code = await exportCommand({ since: '2026-01-01', until: '2026-01-02', format: 'csv' }, captured.io);

    expect(code).toBe(0);
    expect(csvColumn(captured.stdout(), 'pr')).toEqual(['40']);
  });

  it('writes nothing to the store', async () => {
    const before = createHash('sha256').update(readFileSync(dbPath)).digest('hex');
    const files = readdirSync(temp.dir).sort();

    await run(...JANUARY, '--format', 'html', '--database', database);
    await run(...JANUARY, '--exceptions', '--database', database);

    expect(createHash('sha256').update(readFileSync(dbPath)).digest('hex')).toBe(before);
    expect(readdirSync(temp.dir).sort()).toEqual(files);
  });

  it('exits 1 rather than leave out a merge entry that is not a merge record', async () => {
    const path = join(temp.dir, 'odd.db');
    await seedStore(path, [
      mergeEntry({ number: 1, at: '2026-01-02T00:00:00.000Z' }),
      { ...mergeEntry({ number: 2, at: '2026-01-03T00:00:00.000Z' }), data: { note: 'hand-written' } },
    ]);

    const { code, stdout, stderr } = await run(...JANUARY, '--database', `sqlite:${path}`);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: audit entry 2 \(merge\) is not a valid merge record/);
  });
});

describe('audit export: bad input exits 2 with a clear message', () => {
  it.each([
    [
      'a date that is not one',
      ['--since', 'yesterday', '--until', '2026-02-01'],
      'error: --since must be a date like 2026-01-31, got "yesterday"',
    ],
    [
      'an impossible date',
      ['--since', '2026-01-01', '--until', '2026-02-30'],
      'error: --until must be a date like 2026-01-31, got "2026-02-30"',
    ],
    [
      'a time without its offset',
      ['--since', '2026-01-01T10:00:00', '--until', '2026-02-01'],
      'error: --since must be a date like 2026-01-31, got "2026-01-01T10:00:00"',
    ],
    ['a missing --since', ['--until', '2026-02-01'], 'error: --since is required: a date like 2026-01-31'],
    [
      'since after until',
      ['--since', '2026-02-01', '--until', '2026-01-01'],
      'error: --since (2026-02-01T00:00:00.000Z) must be before --until (2026-01-01T00:00:00.000Z); --until is exclusive',
    ],
    ['an empty period', ['--since', '2026-01-01', '--until', '2026-01-01'], 'must be before --until'],
    [
      'a repo without owner',
      ['--since', '2026-01-01', '--until', '2026-02-01', '--repo', 'payments'],
      'error: --repo must be OWNER/NAME like acme/payments, got "payments"',
    ],
    [
      'an unknown format',
      ['--since', '2026-01-01', '--until', '2026-02-01', '--format', 'xlsx'],
      'error: --format must be one of csv, jsonl, html, got "xlsx"',
    ],
    [
      'a key file without html',
      ['--since', '2026-01-01', '--until', '2026-02-01', '--key-file', 'k.pem'],
      'error: --key-file is only used with --format html',
    ],
    ['an unknown option', ['--since', '2026-01-01', '--until', '2026-02-01', '--color'], "error: unknown option '--color'"],
    ['an option without its value', ['--since'], "error: option '--since <date>' argument missing"],
    [
      'a database URL of another kind',
      ['--since', '2026-01-01', '--until', '2026-02-01', '--database', 'mysql://u:secret@h/db'],
      'error: --database must be one of sqlite:PATH, postgres://… or postgresql://…',
    ],
  ])('%s', async (_case, args, message) => {
    const { code, stdout, stderr } = await run(...args);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('secret');
  });

  it('reports every bad flag at once', async () => {
    const { stderr } = await run('--since', 'soon', '--until', 'later', '--database', database);

    expect(stderr).toBe(
      'error: --since must be a date like 2026-01-31, got "soon"\nerror: --until must be a date like 2026-01-31, got "later"\n',
    );
  });

  it('exits 2 for a missing SQLite file, and does not create it', async () => {
    const missing = join(temp.dir, 'nowhere', 'audit.db');

    const { code, stderr } = await run(...JANUARY, '--database', `sqlite:${missing}`);

    expect(code).toBe(2);
    expect(stderr).toBe(`error: no audit store at ${missing}\n`);
    expect(existsSync(join(temp.dir, 'nowhere'))).toBe(false);
  });

  it('exits 2 for a SQLite file that is not an audit store, and leaves it alone', async () => {
    const other = join(temp.dir, 'other.db');
    new Database(other).exec('CREATE TABLE notes (text TEXT)');
    const before = readFileSync(other);

    const { code, stderr } = await run(...JANUARY, '--database', `sqlite:${other}`);

    expect(code).toBe(2);
    expect(stderr).toContain('is a SQLite database but not a Change Control audit store');
    expect(readFileSync(other).equals(before)).toBe(true);
  });
});
