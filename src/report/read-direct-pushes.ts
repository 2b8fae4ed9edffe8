import type { AuditStore } from '../audit/audit-entry.js';
import { DirectPushRecord } from '../audit/push-records.js';
import type { ChangeFilter } from './change-filter.js';
import { RecordShapeError } from './export-row.js';

/** A push to a controlled branch that no merged PR brought, as the posture lists it. */
export interface DirectPushSummary {
  repo: string;
  branch: string;
  at: string;
  sender: string | null;
  forced: boolean;
  deleted: boolean;
  after: string;
  commits: number | null;
  complete: boolean;
  issueUrl: string | null;
  seq: number;
}

/**
 * The `direct-push` exceptions of the filter's period, repository and organisation, in audit order (other change
 * filters do not apply: they name no PR). Throws RecordShapeError on an entry of the wrong shape.
 */
export async function readDirectPushes(input: {
  store: AuditStore;
  filter: Pick<ChangeFilter, 'since' | 'until' | 'repo' | 'org'>;
}): Promise<DirectPushSummary[]> {
  const { filter } = input;
  const entries = await input.store.list({
    kinds: ['exception'],
    since: filter.since,
    until: filter.until,
    ...(filter.repo ? { repo: filter.repo } : {}),
  });
  const org = filter.org?.toLowerCase();
  const pushes: DirectPushSummary[] = [];
  for (const entry of entries) {
    if (entry.data.type !== 'direct-push') continue;
    if (org !== undefined && !entry.repo.toLowerCase().startsWith(`${org}/`)) continue;
    const parsed = DirectPushRecord.safeParse(entry.data);
    if (!parsed.success) throw new RecordShapeError(entry, parsed.error);
    const r = parsed.data;
    pushes.push({
      repo: entry.repo,
      branch: r.branch,
      at: entry.at,
      sender: r.sender,
      forced: r.forced,
      deleted: r.deleted,
      after: r.after,
      commits: r.totalCommits,
      complete: r.complete,
      issueUrl: r.issueUrl,
      seq: entry.seq,
    });
  }
  return pushes;
}
