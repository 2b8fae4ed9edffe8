import { EmergencyRecord } from '../audit/evidence-records.js';
import type { EmergencyAuthorisation } from '../policy/emergency-override.js';
import type { AppDeps } from './app-deps.js';

/**
 * The latest emergency authorisation recorded for the PR's head commit, or null. An entry whose data is
 * not an emergency record is passed over: it can only fail closed (no waiver), never pass a change.
 */
export async function findEmergency(input: {
  deps: AppDeps;
  owner: string;
  repo: string;
  number: number;
  headSha: string;
}): Promise<EmergencyAuthorisation | null> {
  return latestEmergency(input);
}

/** The latest emergency authorisation recorded for the PR on any head (`headSha` given: on that head only), or null. */
export async function latestEmergency(input: {
  deps: AppDeps;
  owner: string;
  repo: string;
  number: number;
  headSha?: string;
}): Promise<EmergencyAuthorisation | null> {
  const { deps, owner, repo, number, headSha } = input;
  const entries = await deps.audit.list({
    repo: `${owner}/${repo}`,
    prNumber: number,
    kinds: ['emergency'],
    newestFirst: true,
    limit: 100,
  });
  for (const entry of entries) {
    if (entry.headSha === null || (headSha !== undefined && entry.headSha !== headSha)) continue;
    const record = EmergencyRecord.safeParse(entry.data);
    if (!record.success) continue;
    const { by, reason, followUpIssue, dueAt } = record.data;
    return { by, reason, at: entry.at, headSha: entry.headSha, followUpIssue, dueAt, auditSeq: entry.seq };
  }
  return null;
}
