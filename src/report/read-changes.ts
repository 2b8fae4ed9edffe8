import type { AuditEntry, AuditStore } from '../audit/audit-entry.js';
import { DeploymentStatusRecord } from '../audit/deployment-records.js';
import { matchesChange, type ChangeFilter } from './change-filter.js';
import type { ChangeSummary } from './change-summary.js';
import { summariseChanges } from './summarise-changes.js';

/**
 * The merged changes in the filter's population, in audit order. The store filters by kind, time and repository;
 * the organisation and the other filters apply to the parsed records. Exceptions are written after their merge,
 * so only those since the period's start are read; emergencies and retrospective approvals whatever their time
 * (an emergency authorised before the period can cover a change merged in it).
 */
export async function readChanges(input: { store: AuditStore; filter: ChangeFilter; now: Date }): Promise<ChangeSummary[]> {
  const { store, filter } = input;
  const scope = filter.repo ? { repo: filter.repo } : {};
  const [merges, exceptions, emergencies, retroApprovals] = await Promise.all([
    store.list({ ...scope, kinds: ['merge'], since: filter.since, until: filter.until }),
    store.list({ ...scope, kinds: ['exception'], since: filter.since }),
    store.list({ ...scope, kinds: ['emergency'] }),
    store.list({ ...scope, kinds: ['retro-approval'] }),
  ]);
  return summariseChanges({ merges, exceptions, emergencies, retroApprovals }, input.now).filter((change) => matchesChange(filter, change));
}

/** Every entry of one PR in audit order, with the deployments that brought it (from the repository's `deployment-status` entries). */
export async function readChangeTimeline(input: { store: AuditStore; repo: string; prNumber: number }): Promise<AuditEntry[]> {
  const { store, repo, prNumber } = input;
  const [own, statuses] = await Promise.all([store.list({ repo, prNumber }), store.list({ repo, kinds: ['deployment-status'] })]);
  const deployments = statuses.filter((entry) => {
    const record = DeploymentStatusRecord.safeParse(entry.data);
    return record.success && (record.data.changes ?? []).some((change) => change.prNumber === prNumber);
  });
  return [...own, ...deployments].sort((a, b) => a.seq - b.seq);
}
