import type { AuditStore } from '../audit/audit-entry.js';
import type { ReconciliationWatermark } from '../audit/reconciliation-watermark.js';
import type { ChangeFilter } from './change-filter.js';

/** A repository's reconciled span, and whether it covers the whole period shown. */
export interface ReconciledRepo extends ReconciliationWatermark {
  /** True when the span starts at or before the period and ends at or after it: every change of the period was checked against GitHub. */
  coversPeriod: boolean;
}

/** The reconciliation watermarks of the filter's repository or organisation (docs/audit-and-evidence.md#reconciliation). */
export async function readReconciled(input: {
  store: AuditStore;
  filter: Pick<ChangeFilter, 'since' | 'until' | 'repo' | 'org'>;
}): Promise<ReconciledRepo[]> {
  const { filter } = input;
  const marks = await input.store.reconciliationWatermarks(filter.repo);
  const org = filter.org?.toLowerCase();
  return marks
    .filter((mark) => org === undefined || mark.repo.toLowerCase().startsWith(`${org}/`))
    .map((mark) => ({
      ...mark,
      coversPeriod: Date.parse(mark.from) <= Date.parse(filter.since) && Date.parse(mark.upTo) >= Date.parse(filter.until),
    }));
}
