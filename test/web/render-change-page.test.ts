import { describe, expect, it } from '@jest/globals';
import type { ChangeSummary } from '../../src/report/change-summary.js';
import { renderChangePage } from '../../src/web/dashboard/render-change-page.js';

const CHANGE: ChangeSummary = {
  repo: 'acme/payments',
  prNumber: 7,
  title: 'PAY-1 add a dependency',
  url: 'https://github.com/acme/payments/pull/7',
  author: 'alice',
  mergedAt: '2026-03-01T10:00:00.000Z',
  mergedBy: 'bob',
  mergeSha: 'f'.repeat(40),
  headSha: 'a'.repeat(40),
  baseRef: 'main',
  ticket: 'PAY-1',
  approvers: ['dave'],
  security: [],
  gateState: 'success',
  atMergeState: 'success',
  evidence: 'verified',
  passed: true,
  exceptions: [],
  changeType: 'normal',
  standardClass: null,
  mergeSeq: 3,
  at: '2026-03-01T10:00:00.000Z',
};
const CHAIN = {
  result: { ok: true as const, count: 3, headHash: 'e'.repeat(64) },
  upToSeq: 3,
  checked: 'hashes',
  fullCheckAt: '2026-03-02T00:00:00.000Z',
};

describe('the change page', () => {
  it('shows the security counts at merge, one line per source, escaped', () => {
    const page = renderChangePage({
      repo: CHANGE.repo,
      prNumber: CHANGE.prNumber,
      change: {
        ...CHANGE,
        security: ['code_scanning critical=0 high=1 medium=0 low=3', 'dependencies critical=0 high=0 medium=0 low=<1>'],
      },
      entries: [],
      chain: CHAIN,
      login: 'carol',
    });
    expect(page).toContain(
      '<dt>Security findings at merge</dt><dd>code_scanning critical=0 high=1 medium=0 low=3<br>dependencies critical=0 high=0 medium=0 low=&#60;1&#62;</dd>',
    );
  });

  it('shows no security line for a change merged without the control', () => {
    const page = renderChangePage({ repo: CHANGE.repo, prNumber: 7, change: CHANGE, entries: [], chain: CHAIN, login: 'carol' });
    expect(page).not.toContain('Security findings');
  });
});
