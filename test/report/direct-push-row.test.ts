import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH } from '../../src/audit/audit-entry.js';
import { chainEntry } from '../../src/audit/chain-entry.js';
import type { DirectPushRecord } from '../../src/audit/push-records.js';
import { computePosture } from '../../src/report/compute-posture.js';
import { directPushRow } from '../../src/report/export-row.js';
import { parseChangeFilter } from '../../src/report/change-filter.js';
import { describeEntry } from '../../src/report/format-entry.js';
import { matchesExceptionRow } from '../../src/report/read-export.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { readDirectPushes } from '../../src/report/read-direct-pushes.js';
import { renderPosturePage } from '../../src/web/dashboard/render-posture-page.js';

const BEFORE = 'a'.repeat(40);
const AFTER = 'b'.repeat(40);
const identity = (login: string) => ({ name: login, email: `${login}@example.com`, login });
const record: DirectPushRecord = {
  type: 'direct-push',
  branch: 'main',
  before: BEFORE,
  after: AFTER,
  forced: true,
  created: false,
  deleted: false,
  sender: 'mallory',
  pusher: { name: 'mallory', email: null },
  commits: [{ sha: AFTER, author: identity('carol'), committer: identity('mallory'), headline: 'Rewrite', pullRequest: null }],
  removed: [{ sha: 'c'.repeat(40), author: identity('alice'), committer: identity('alice'), headline: 'Lost work', pullRequest: null }],
  reasons: [
    'force-push: 1 commit taken off main, history rewritten',
    '1 of 1 commit came from no merged pull request into main',
    '  bbbbbbb by carol: Rewrite',
  ],
  complete: true,
  totalCommits: 1,
  policy: 'acme/payments:.github/change-control.yml@abc',
  issueUrl: 'https://github.com/acme/payments/issues/3',
};
const input = {
  kind: 'exception' as const,
  at: '2026-12-01T10:00:00.000Z',
  deliveryId: 'd1',
  repo: 'acme/payments',
  prNumber: null,
  headSha: AFTER,
  data: { ...record },
};
const { entry } = chainEntry({ input, seq: 1, prevHash: GENESIS_HASH });
const NOW = new Date('2026-12-06T00:00:00Z');

describe('a direct-push exception', () => {
  it('is an exceptions row of its own type: branch, head, who pushed, the authors, why and the issue', () => {
    expect(directPushRow(entry)).toMatchObject({
      repo: 'acme/payments',
      pr: null,
      base: 'main',
      head_sha: AFTER,
      merged_by: 'mallory',
      author: 'carol',
      type: 'direct-push',
      exceptions: [
        'force-push: 1 commit taken off main, history rewritten',
        '1 of 1 commit came from no merged pull request into main',
        'bbbbbbb by carol: Rewrite',
      ],
      reason: 'force-pushed to main by mallory (git pusher mallory), aaaaaaa..bbbbbbb, 1 commit',
      issue_url: record.issueUrl,
      audit_seq: 1,
    });
  });

  it.each([
    ['exception=direct-push', true],
    ['exception=any', true],
    ['exception=bypass', false],
    ['person=mallory', true],
    ['person=carol', true],
    ['person=bob', false],
  ])('the dashboard filter %s keeps it: %s', (query, kept) => {
    const filter = parseChangeFilter(new URLSearchParams(query), NOW);
    if (!filter.ok) throw new Error(filter.errors.join('; '));

    expect(matchesExceptionRow(filter.filter, directPushRow(entry))).toBe(kept);
  });

  it('is described for `audit show` with who pushed and each commit', () => {
    expect(describeEntry(entry)).toMatchObject({
      summary: 'direct-push: mallory force-pushed to main',
      facts: expect.arrayContaining([
        ['forced', 'true'],
        ['commits', 'bbbbbbb carol'],
      ]),
    });
  });

  it('is counted and listed on the posture page', async () => {
    const store = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    await store.append(input);
    const filter = parseChangeFilter(new URLSearchParams('since=2026-11-01&until=2026-12-06'), NOW);
    if (!filter.ok) throw new Error(filter.errors.join('; '));

    const directPushes = await readDirectPushes({ store, filter: filter.filter });
    const posture = computePosture({ changes: [], since: filter.filter.since, until: filter.filter.until, gaps: [], directPushes });
    const html = renderPosturePage({ filter: filter.filter, orgs: [], posture, login: 'auditor' });
    await store.close();

    expect(directPushes).toEqual([
      expect.objectContaining({ repo: 'acme/payments', branch: 'main', sender: 'mallory', forced: true, commits: 1 }),
    ]);
    expect(html).toContain('<div class="card" data-metric="direct-push"><div class="value">1</div>');
    expect(html).toContain('<td>force-push</td><td>mallory</td>');
  });
});
