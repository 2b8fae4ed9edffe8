import type { AuditEntry, AuditStore } from './audit-entry.js';
import { DeploymentStatusRecord } from './deployment-records.js';

/**
 * The commit of the last successful deployment to the environment that the audit trail records (environment
 * names compared ignoring case, as GitHub does), or null. An entry that is not a deployment-status record is
 * passed over: an older production commit only means more commits must show their evidence.
 */
export async function lastDeployedSha(input: {
  store: AuditStore;
  repo: string;
  environment: string;
}): Promise<{ sha: string; seq: number; entry: AuditEntry } | null> {
  const environment = input.environment.toLowerCase();
  const entries = await input.store.list({ repo: input.repo, kinds: ['deployment-status'], newestFirst: true });
  for (const entry of entries) {
    const record = DeploymentStatusRecord.safeParse(entry.data);
    // Only a success the app's own gate approved (gateSeq) counts: a hand-made status never becomes the baseline.
    if (
      record.success &&
      record.data.state === 'success' &&
      typeof record.data.gateSeq === 'number' &&
      record.data.environment.toLowerCase() === environment
    ) {
      return { sha: record.data.sha, seq: entry.seq, entry };
    }
  }
  return null;
}
