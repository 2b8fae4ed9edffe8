import type { AuditStore } from '../audit/audit-entry.js';
import { readEnforcementGaps, type EnforcementGap } from './enforcement-gaps.js';
import type { ChangeFilter } from './change-filter.js';

/** The enforcement gaps of the filter's period, repository and organisation (other change filters do not apply to them). */
export async function readPostureGaps(input: {
  store: AuditStore;
  filter: Pick<ChangeFilter, 'since' | 'until' | 'repo' | 'org'>;
}): Promise<EnforcementGap[]> {
  const { filter } = input;
  const gaps = await readEnforcementGaps({
    store: input.store,
    since: filter.since,
    until: filter.until,
    ...(filter.repo ? { repo: filter.repo } : {}),
  });
  return filter.org === undefined ? gaps : gaps.filter((gap) => gap.repo.toLowerCase().startsWith(`${filter.org?.toLowerCase()}/`));
}
