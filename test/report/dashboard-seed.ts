import type { NewAuditEntry } from '../../src/audit/audit-entry.js';
import { emergencyEntry, exceptionEntry, mergeEntry, pushEntry, retroApprovalEntry, sha, verdictEntry, XSS_TITLE } from '../cli/seed.js';
import { deploymentStatusEntry } from '../fixtures/deployment-entries.js';

export { XSS_TITLE };

/** The period the dashboard tests look at: February 2026 (until is exclusive). */
export const FEBRUARY = { since: '2026-02-01', until: '2026-03-01' } as const;

/**
 * February 2026 in three repositories, with a fixed clock:
 * - acme/payments: #50 and #51 clean, #52 bypassed (its title is an XSS attempt), #53 an emergency change whose
 *   retrospective approval is overdue, #54 an emergency change approved retrospectively in time;
 * - acme/ledger: #7, #8, #9 clean; globex/site: #3 clean; acme/payments #49 merged in January (outside the period).
 * Posture for all of it: 9 merged, 6 passed (66.7 %), 1 bypass, 2 emergency changes, 1 overdue.
 * Weeks (Monday starts): 26 Jan none; 2 Feb 4/4; 9 Feb 0/2; 16 Feb 1/2; 23 Feb 1/1.
 */
export function februaryEntries(): NewAuditEntry[] {
  return [
    mergeEntry({ number: 49, at: '2026-01-28T10:00:00.000Z' }),
    pushEntry({ number: 50, at: '2026-02-02T09:00:00.000Z', head: sha('a'), pusher: 'alice' }),
    verdictEntry({ number: 50, at: '2026-02-02T09:00:05.000Z', head: sha('a'), state: 'pending', description: 'Waiting for 1 approval' }),
    verdictEntry({ number: 50, at: '2026-02-02T10:00:00.000Z', head: sha('a'), state: 'success', description: 'All controls pass' }),
    mergeEntry({ number: 50, at: '2026-02-02T11:00:00.000Z', title: 'PAY-12 rotate the TLS certificates' }),
    mergeEntry({ number: 51, at: '2026-02-03T11:00:00.000Z' }),
    mergeEntry({ repo: 'acme/ledger', number: 7, at: '2026-02-04T12:00:00.000Z' }),
    mergeEntry({ repo: 'globex/site', number: 3, at: '2026-02-05T12:00:00.000Z' }),
    deploymentStatusEntry({
      repo: 'acme/payments',
      at: '2026-02-06T08:00:00.000Z',
      sha: sha('f'),
      changes: [
        {
          prNumber: 50,
          title: 'PAY-12 rotate the TLS certificates',
          url: 'https://github.com/acme/payments/pull/50',
          headSha: sha('a'),
          mergeSha: sha('f'),
          mergeSeq: 5,
          ticket: 'PAY-12',
          basis: 'approved',
          emergency: null,
        },
      ],
    }),
    pushEntry({ number: 52, at: '2026-02-10T08:00:00.000Z', head: sha('b'), pusher: 'erin' }),
    verdictEntry({ number: 52, at: '2026-02-10T08:00:05.000Z', head: sha('b'), state: 'pending', description: 'Waiting for 1 approval' }),
    mergeEntry({ number: 52, at: '2026-02-10T15:00:00.000Z', head: sha('b'), title: XSS_TITLE, mergedBy: 'admin-carol', bypass: true }),
    exceptionEntry({ number: 52, at: '2026-02-10T15:00:02.000Z', head: sha('b'), mergedBy: 'admin-carol' }),
    emergencyEntry({ number: 53, at: '2026-02-11T03:00:00.000Z', dueAt: '2026-02-14T03:00:00.000Z', head: sha('d') }),
    mergeEntry({ number: 53, at: '2026-02-11T03:30:00.000Z', head: sha('d'), title: 'PAY-13 hotfix card payments' }),
    emergencyEntry({ number: 54, at: '2026-02-17T03:00:00.000Z', dueAt: '2026-02-20T03:00:00.000Z', head: sha('e') }),
    mergeEntry({ number: 54, at: '2026-02-17T03:30:00.000Z', head: sha('e'), title: 'PAY-14 hotfix refunds' }),
    // Entry 16 is the emergency of #54 (entries are numbered from 1 in this order).
    retroApprovalEntry({ number: 54, at: '2026-02-18T09:00:00.000Z', emergencySeq: 16, dueAt: '2026-02-20T03:00:00.000Z', head: sha('e') }),
    mergeEntry({ repo: 'acme/ledger', number: 8, at: '2026-02-18T12:00:00.000Z' }),
    mergeEntry({ repo: 'acme/ledger', number: 9, at: '2026-02-25T12:00:00.000Z', mergedBy: 'frank' }),
  ];
}

/** The clock of the dashboard tests: after every due date of the seed. */
export const NOW = new Date('2026-03-02T12:00:00.000Z');
