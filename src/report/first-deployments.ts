import type { AuditEntry } from '../audit/audit-entry.js';
import { DeploymentStatusRecord } from '../audit/deployment-records.js';
import { RecordShapeError, type ExportRow } from './export-row.js';

export interface FirstDeployment {
  environment: string;
  at: string;
}

/** The key of a change in `firstDeployments`. */
export const changeKey = (repo: string, prNumber: number): string => `${repo}#${prNumber}`;

/**
 * For each change (`owner/name#N`), the first successful deployment to a gated environment that brought it, from
 * `deployment-status` entries in audit order. Throws RecordShapeError on an entry that is not a deployment-status
 * record: the export stops rather than show a deployed change as never deployed.
 */
export function firstDeployments(entries: readonly AuditEntry[]): Map<string, FirstDeployment> {
  const first = new Map<string, FirstDeployment>();
  for (const entry of entries) {
    if (entry.kind !== 'deployment-status') continue;
    const record = DeploymentStatusRecord.safeParse(entry.data);
    if (!record.success) throw new RecordShapeError(entry, record.error);
    if (record.data.state !== 'success') continue;
    for (const change of record.data.changes ?? []) {
      const key = changeKey(entry.repo, change.prNumber);
      if (!first.has(key)) first.set(key, { environment: record.data.environment, at: record.data.at });
    }
  }
  return first;
}

/** The rows with `deployed_to` and `deployed_at` from the first deployment that brought each change (null: none yet). */
export function withDeployments(rows: ExportRow[], statusEntries: readonly AuditEntry[]): ExportRow[] {
  const first = firstDeployments(statusEntries);
  return rows.map((row) => {
    const deployed = row.pr === null ? undefined : first.get(changeKey(row.repo, row.pr));
    return { ...row, deployed_to: deployed?.environment ?? null, deployed_at: deployed?.at ?? null };
  });
}
