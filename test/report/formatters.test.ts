import { describe, expect, it } from '@jest/globals';
import type { AuditEntry, NewAuditEntry } from '../../src/audit/audit-entry.js';
import {
  EXCEPTION_COLUMNS,
  EXPORT_COLUMNS,
  exceptionRow,
  mergeRow,
  RecordShapeError,
  type ExportRow,
} from '../../src/report/export-row.js';
import { formatCsv } from '../../src/report/format-csv.js';
import { formatEntries, formatEntry, terminalSafe } from '../../src/report/format-entry.js';
import { formatHtml, type HtmlReport } from '../../src/report/format-html.js';
import { formatJsonl } from '../../src/report/format-jsonl.js';
import {
  emergencyEntry,
  exceptionEntry,
  FORMULA_TITLE,
  mergeEntry,
  pushEntry,
  retroApprovalEntry,
  sha,
  statusOverwrittenEntry,
  verdictEntry,
  XSS_TITLE,
} from '../cli/seed.js';

function stored(entry: NewAuditEntry, seq: number): AuditEntry {
  return { ...entry, seq, prevHash: '0'.repeat(64), hash: `${seq}`.padStart(64, 'e'), signature: null };
}

const cleanMerge = stored(mergeEntry({ number: 41, at: '2026-01-06T11:00:00.000Z' }), 4);
const bypassMerge = stored(
  mergeEntry({ number: 42, at: '2026-01-20T15:00:00.000Z', head: sha('b'), bypass: true, title: XSS_TITLE, mergedBy: 'admin-carol' }),
  11,
);
const bypassException = stored(exceptionEntry({ number: 42, at: '2026-01-20T15:00:02.000Z', head: sha('b'), mergedBy: 'admin-carol' }), 12);

function row(overrides: Partial<ExportRow> = {}): ExportRow {
  return { ...mergeRow(cleanMerge), ...overrides };
}

describe('mergeRow and exceptionRow', () => {
  it('takes every column of a merge row from the merge record', () => {
    expect(mergeRow(cleanMerge)).toEqual({
      repo: 'acme/payments',
      pr: 41,
      title: 'PAY-12 change 41',
      url: 'https://github.com/acme/payments/pull/41',
      author: 'alice',
      merged_at: '2026-01-06T11:00:00.000Z',
      merged_by: 'bob',
      merge_sha: sha('f'),
      head_sha: sha('a'),
      base: 'main',
      ticket: 'PAY-12',
      ticket_status: 'Approved',
      ticket_approver: 'carol',
      approvers: [{ login: 'dave', commitSha: sha('a'), submittedAt: '2026-01-06T11:00:00.000Z' }],
      checks: [
        { name: 'ci/build', state: 'success' },
        { name: 'ci/test', state: 'success' },
      ],
      security: [],
      gate_state: 'success',
      verdict_at_merge: 'success',
      evidence: 'verified',
      exceptions: [],
      change_type: 'normal',
      standard_class: null,
      policy: `acme/payments:.github/change-control.yml@${sha('c')}`,
      recorded_by: 'webhook',
      audit_seq: 4,
      entry_hash: cleanMerge.hash,
    });
  });

  it('joins an exception to its merge record for the PR facts, and lists what was missing', () => {
    expect(exceptionRow(bypassException, bypassMerge)).toMatchObject({
      pr: 42,
      title: XSS_TITLE,
      merged_by: 'admin-carol',
      gate_state: 'pending',
      exceptions: ['the last verdict on the merged head was pending: Waiting for 1 approval', 'approval: 0 of 1 independent approvals'],
      issue_url: 'https://github.com/acme/audit/issues/42',
      audit_seq: 12,
    });
  });

  it('keeps an exception without a merge record, with what the exception records', () => {
    expect(exceptionRow(bypassException, null)).toMatchObject({
      pr: 42,
      title: null,
      merged_by: 'admin-carol',
      head_sha: sha('b'),
      ticket: null,
    });
  });

  it('carries the security control’s counts at merge, one item per source, into every format', () => {
    const counts = { critical: 1, high: 0, medium: 2, low: 0 };
    const secured = mergeRow(
      stored(
        mergeEntry({
          number: 45,
          at: '2026-01-07T11:00:00.000Z',
          security: { codeScanning: counts, dependencies: { ...counts, critical: 0 } },
        }),
        5,
      ),
    );

    expect(secured.security).toEqual([
      { source: 'code_scanning', critical: 1, high: 0, medium: 2, low: 0 },
      { source: 'dependencies', critical: 0, high: 0, medium: 2, low: 0 },
    ]);
    expect(formatCsv([secured], EXPORT_COLUMNS)).toContain(
      ',code_scanning critical=1 high=0 medium=2 low=0;dependencies critical=0 high=0 medium=2 low=0,',
    );
    expect(JSON.parse(formatJsonl([secured], EXPORT_COLUMNS)).security).toEqual(secured.security);
    expect(
      formatHtml({
        mode: 'merges',
        since: '2026-01-01T00:00:00.000Z',
        until: '2026-02-01T00:00:00.000Z',
        repo: null,
        generatedAt: '2026-03-01T12:00:00.000Z',
        chain: { ok: true, count: 5, headHash: 'ab'.repeat(32) },
        signatures: null,
        rows: [secured],
        columns: EXPORT_COLUMNS,
      }),
    ).toContain('<td>code_scanning critical=1 high=0 medium=2 low=0<br>dependencies critical=0 high=0 medium=2 low=0</td>');
    expect(
      formatEntry(
        stored(mergeEntry({ number: 45, at: '2026-01-07T11:00:00.000Z', security: { codeScanning: null, dependencies: counts } }), 5),
      ),
    ).toContain('dependencies critical=1 high=0 medium=2 low=0');
  });

  it('refuses a merge entry whose data is not a merge record, naming the entry', () => {
    const broken = { ...cleanMerge, data: { pr: 'not an object' } };

    expect(() => mergeRow(broken)).toThrow(RecordShapeError);
    expect(() => mergeRow(broken)).toThrow(/audit entry 4 \(merge\) is not a valid merge record/);
  });
});

describe('formatCsv', () => {
  it('writes a header and one CRLF-terminated line per row, lists flattened', () => {
    const csv = formatCsv([row()], EXPORT_COLUMNS);
    const [header, line, rest] = csv.split('\r\n');

    expect(header).toBe(EXPORT_COLUMNS.join(','));
    expect(line).toContain(',dave@aaaaaaa,ci/build=success;ci/test=success,,success,success,verified,,');
    expect(rest).toBe('');
  });

  it.each([
    ['a comma', 'fix, then test', '"fix, then test"'],
    ['a quote', 'the "big" fix', '"the ""big"" fix"'],
    ['a line break', 'one\ntwo', '"one\ntwo"'],
    ['a formula', '=1+2', "'=1+2"],
    ['a plus', '+1', "'+1"],
    ['a minus', '-1', "'-1"],
    ['an at sign', '@SUM(A1)', "'@SUM(A1)"],
    ['a tab', '\t=1', "'\t=1"],
    ['a formula with quotes and commas', FORMULA_TITLE, `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['plain text', 'PAY-12 change', 'PAY-12 change'],
  ])('quotes and neutralises a title with %s', (_case, title, expected) => {
    const line = formatCsv([row({ title })], ['title']).split('\r\n')[1];

    expect(line).toBe(expected);
  });

  it('leaves nulls empty', () => {
    expect(formatCsv([row({ ticket: null, ticket_approver: null })], ['ticket', 'ticket_approver', 'pr'])).toBe(
      'ticket,ticket_approver,pr\r\n,,41\r\n',
    );
  });
});

describe('formatJsonl', () => {
  it('writes one object per line with the columns as keys, values exact', () => {
    const lines = formatJsonl([row({ title: FORMULA_TITLE }), mergeRow(bypassMerge)], EXPORT_COLUMNS)
      .trimEnd()
      .split('\n');

    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([...EXPORT_COLUMNS]);
    expect(first).toMatchObject({ title: FORMULA_TITLE, pr: 41, approvers: [{ login: 'dave', commitSha: sha('a') }], exceptions: [] });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ exceptions: ['bypass'], approvers: [] });
  });

  it('writes issue_url for exception rows', () => {
    const line = JSON.parse(formatJsonl([exceptionRow(bypassException, bypassMerge)], EXCEPTION_COLUMNS)) as Record<string, unknown>;

    expect(line.issue_url).toBe('https://github.com/acme/audit/issues/42');
  });
});

describe('formatHtml', () => {
  const report = (overrides: Partial<HtmlReport> = {}): string =>
    formatHtml({
      mode: 'merges',
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-02-01T00:00:00.000Z',
      repo: null,
      generatedAt: '2026-03-01T12:00:00.000Z',
      chain: { ok: true, count: 14, headHash: 'ab'.repeat(32) },
      signatures: null,
      rows: [mergeRow(cleanMerge), mergeRow(bypassMerge)],
      columns: EXPORT_COLUMNS,
      ...overrides,
    });

  it('is one self-contained file: inline CSS, no scripts, nothing loaded from elsewhere', () => {
    const html = report();

    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<style>');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=["']|@import|url\(/i);
  });

  it('shows a PR title with markup as text', () => {
    const html = report();

    expect(html).not.toContain(XSS_TITLE);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('escapes every user-controlled value, and links only http(s) URLs', () => {
    const html = report({
      repo: 'acme/<b>',
      rows: [
        row({
          author: '"><svg onload=x>',
          url: 'javascript:alert(1)',
          ticket_approver: "o'brien",
          checks: [{ name: '<i>', state: 'success' }],
        }),
      ],
    });

    expect(html).toContain('acme/&#60;b&#62;');
    expect(html).toContain('&#34;&#62;&#60;svg onload=x&#62;');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<td>javascript:alert(1)</td>');
    expect(html).toContain('o&#39;brien');
    expect(html).toContain('&#60;i&#62;=success');
  });

  it('states the period, generation time, chain status and summary', () => {
    const html = report({ signatures: 'ed25519' });

    expect(html).toContain('from <code>2026-01-01T00:00:00.000Z</code> (inclusive) to <code>2026-02-01T00:00:00.000Z</code> (exclusive)');
    expect(html).toContain('<code>2026-03-01T12:00:00.000Z</code>');
    expect(html).toContain('<dd class="ok">OK</dd>');
    expect(html).toContain(`OK: 14 entries, head ${'ab'.repeat(32)}`);
    expect(html).toContain('hashes and ed25519 signatures checked');
    expect(html).toContain('2 merged changes in the period; 1 with exceptions.');
    expect(html.match(/<tr class="exception">/g)).toHaveLength(1);
  });

  it('says BROKEN with the first broken entry', () => {
    const html = report({
      chain: { ok: false, count: 2, brokenSeq: 3, reason: 'hash mismatch: the entry was changed after it was written' },
    });

    expect(html).toContain('<dd class="broken">BROKEN</dd>');
    expect(html).toContain('BROKEN at entry 3: hash mismatch');
  });

  it('says when the period has no changes, and counts exceptions in exceptions mode', () => {
    expect(report({ rows: [] })).toContain('No merged changes in this period.');
    expect(report({ mode: 'exceptions', rows: [exceptionRow(bypassException, bypassMerge)], columns: EXCEPTION_COLUMNS })).toContain(
      '1 exception in the period.',
    );
  });
});

describe('formatEntry', () => {
  it.each([
    [
      'a verdict',
      verdictEntry({ number: 42, at: '2026-01-19T08:00:05.000Z', head: sha('b'), state: 'pending', description: 'Waiting for 1 approval' }),
      [
        '#5 2026-01-19T08:00:05.000Z verdict bbbbbbb — pending: Waiting for 1 approval',
        '    state: pending',
        '    approval: pending — 1 of 1 independent approval',
      ],
    ],
    [
      'a push',
      pushEntry({ number: 42, at: '2026-01-19T08:00:00.000Z', head: sha('b'), pusher: 'erin' }),
      ['#5 2026-01-19T08:00:00.000Z push bbbbbbb — pushed by erin (synchronize)', '    pusher: erin'],
    ],
    [
      'a merge',
      bypassMerge,
      ['— merged by admin-carol as fffffff: ', '    merged by: admin-carol', `    merge sha: ${sha('f')}`, '    exceptions: bypass'],
    ],
    [
      'an exception',
      bypassException,
      ['— merged without a passing verdict (gate pending)', '    missing:', '      - approval: 0 of 1 independent approvals'],
    ],
    [
      'a status overwrite',
      statusOverwrittenEntry({ number: 42, at: '2026-01-19T09:00:00.000Z', head: sha('b'), by: 'mallory' }),
      [
        'status-overwritten bbbbbbb — status overwritten by mallory; ours re-posted',
        '    by: mallory',
        '    their status: success — looks fine to me',
      ],
    ],
    [
      'an emergency',
      emergencyEntry({ number: 50, at: '2026-02-02T10:00:00.000Z', dueAt: '2026-02-05T10:00:00.000Z' }),
      [
        'emergency ddddddd — emergency change authorised by carol: INC-4711 card payments failing',
        '    follow-up issue: https://github.com/acme/payments/issues/150',
        '    due: 2026-02-05T10:00:00.000Z',
        '      - checks: Failed: ci/test',
      ],
    ],
    [
      'a retrospective approval',
      retroApprovalEntry({ number: 50, at: '2026-02-06T10:00:00.000Z', emergencySeq: 1, dueAt: '2026-02-05T10:00:00.000Z' }),
      ['retro-approval ddddddd — emergency #1 approved retrospectively by erin (late)'],
    ],
    [
      'a refused command',
      stored(
        {
          kind: 'command',
          at: '2026-02-02T09:00:00.000Z',
          deliveryId: 'd-c',
          repo: 'acme/payments',
          prNumber: 50,
          headSha: null,
          data: {
            command: 'emergency',
            by: 'mallory',
            outcome: 'refused',
            reason: 'not a member of emergency.teams',
            issue: { repo: 'acme/payments', number: 50, pullRequest: true },
            comment: { id: 3, url: 'https://github.com/acme/payments/pull/50#issuecomment-3' },
            result: null,
          },
        },
        5,
      ),
      ['command - — /change-control emergency by mallory, refused: not a member of emergency.teams'],
    ],
    [
      'a merge group that failed',
      stored(
        {
          kind: 'merge-group',
          at: '2026-02-03T09:00:00.000Z',
          deliveryId: 'd-g',
          repo: 'acme/payments',
          prNumber: null,
          headSha: 'e'.repeat(40),
          data: {
            headRef: `refs/heads/gh-readonly-queue/main/pr-52-${'f'.repeat(40)}`,
            baseRef: 'main',
            baseSha: 'f'.repeat(40),
            commits: ['e'.repeat(40)],
            pulls: [
              { number: 51, headSha: 'a'.repeat(40), state: 'success', description: 'All controls passed', failing: [] },
              { number: 52, headSha: 'b'.repeat(40), state: 'pending', description: 'Waiting', failing: ['approval: Needs 1 more'] },
            ],
            state: 'failure',
            description: 'Not passing: #52 approval: Needs 1 more',
            problems: [],
            published: { wroteStatus: true, checkRunUrl: null },
          },
        },
        6,
      ),
      [
        'merge-group eeeeeee — merge group failure: Not passing: #52 approval: Needs 1 more',
        '    pull requests: #51 success, #52 pending',
        '      - #52 approval: Needs 1 more',
      ],
    ],
  ])('shows %s with its key facts', (_case, entry, expected) => {
    const text = formatEntry('seq' in entry ? (entry as AuditEntry) : stored(entry, 5));

    for (const line of expected) expect(text).toContain(line);
  });

  it('says when the data is not in the expected shape', () => {
    expect(formatEntry({ ...cleanMerge, data: {} })).toBe(
      '#4 2026-01-06T11:00:00.000Z merge aaaaaaa — data not in the expected shape (see --json)\n    delivery: d-merge-acme/payments-41',
    );
  });

  it('shows terminal control characters and bidi overrides as escapes', () => {
    const entry = stored(mergeEntry({ number: 9, at: '2026-01-06T11:00:00.000Z', title: 'fix\u001b[2J\u202eevil\nnext' }), 4);

    expect(formatEntry(entry)).toContain('fix\\u{1b}[2J\\u{202e}evil\\nnext');
    expect(terminalSafe('tab\there')).toBe('tab\\there');
  });

  it('separates entries with a blank line', () => {
    expect(formatEntries([bypassMerge, bypassException])).toMatch(/\n\n#12 /);
  });
});
