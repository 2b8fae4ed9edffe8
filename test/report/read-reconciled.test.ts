import { describe, expect, it } from '@jest/globals';
import { readReconciled } from '../../src/report/read-reconciled.js';
import { renderPosturePage } from '../../src/web/dashboard/render-posture-page.js';
import { computePosture } from '../../src/report/compute-posture.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';

const PERIOD = { since: '2026-01-01T00:00:00.000Z', until: '2026-04-01T00:00:00.000Z' };

describe('readReconciled: the posture says up to when each repository is reconciled', () => {
  it('lists the repositories of the filter, each saying whether its span covers the period', async () => {
    const store = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    try {
      await store.setReconciliationWatermark({ repo: 'acme/payments', from: '2025-12-01T00:00:00.000Z', upTo: '2026-04-01T06:00:00.000Z' });
      await store.setReconciliationWatermark({ repo: 'acme/ledger', from: '2025-12-01T00:00:00.000Z', upTo: '2026-03-15T00:00:00.000Z' });
      await store.setReconciliationWatermark({ repo: 'globex/site', from: '2026-02-01T00:00:00.000Z', upTo: '2026-05-01T00:00:00.000Z' });

      const all = await readReconciled({ store, filter: PERIOD });
      expect(all.map((r) => [r.repo, r.coversPeriod])).toEqual([
        ['acme/ledger', false],
        ['acme/payments', true],
        ['globex/site', false],
      ]);
      expect((await readReconciled({ store, filter: { ...PERIOD, org: 'ACME' } })).map((r) => r.repo)).toEqual([
        'acme/ledger',
        'acme/payments',
      ]);
      expect((await readReconciled({ store, filter: { ...PERIOD, repo: 'acme/payments' } })).map((r) => r.repo)).toEqual(['acme/payments']);

      const posture = computePosture({ changes: [], ...PERIOD, gaps: [], directPushes: [], reconciled: all });
      const page = renderPosturePage({ filter: { ...PERIOD } as never, orgs: [], posture, login: 'auditor' });
      expect(page).toContain(
        '<tr data-reconciled="acme/ledger"><td>acme/ledger</td><td>2025-12-01T00:00:00.000Z</td><td>2026-03-15T00:00:00.000Z</td><td><strong>no</strong></td></tr>',
      );
      expect(page).toContain(
        '<tr data-reconciled="acme/payments"><td>acme/payments</td><td>2025-12-01T00:00:00.000Z</td><td>2026-04-01T06:00:00.000Z</td><td>yes</td></tr>',
      );
    } finally {
      await store.close();
    }
  });
});
