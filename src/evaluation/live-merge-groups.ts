import { MergeGroupRecord } from '../audit/evidence-records.js';
import type { AppDeps } from './app-deps.js';

/** A group judged longer ago than this is not looked at again (GitHub's merge queue gives up on a group within hours). */
const LIVE_FOR_MS = 24 * 60 * 60 * 1000;

export interface LiveMergeGroup {
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
}

/**
 * The merge groups judged in the last day that GitHub has not destroyed (no `merge-group-destroyed` entry), each
 * with its last recorded verdict. Read from the audit store only (no GitHub call).
 */
async function liveGroups(
  deps: Pick<AppDeps, 'audit' | 'now'>,
  repo: string,
): Promise<{ group: LiveMergeGroup; record: MergeGroupRecord }[]> {
  const since = new Date(deps.now().getTime() - LIVE_FOR_MS).toISOString();
  const entries = await deps.audit.list({ repo, kinds: ['merge-group', 'merge-group-destroyed'], since, newestFirst: true, limit: 200 });
  const settled = new Set(entries.filter((e) => e.kind === 'merge-group-destroyed').map((e) => e.headSha));
  const groups: { group: LiveMergeGroup; record: MergeGroupRecord }[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'merge-group' || entry.headSha === null || settled.has(entry.headSha)) continue;
    // Newest first: the first entry of a head is its last verdict.
    settled.add(entry.headSha);
    const record = MergeGroupRecord.safeParse(entry.data);
    if (!record.success) continue;
    const { headRef, baseSha, baseRef } = record.data;
    groups.push({ group: { headSha: entry.headSha, headRef, baseSha, baseRef }, record: record.data });
  }
  return groups;
}

/** The live groups whose last verdict is `success` and that hold PR `number`: a PR that stops passing must not leave them standing. */
export async function liveGroupsHolding(
  deps: Pick<AppDeps, 'audit' | 'now'>,
  input: { repo: string; number: number },
): Promise<LiveMergeGroup[]> {
  const groups = await liveGroups(deps, input.repo);
  return groups
    .filter(({ record }) => record.state === 'success' && record.pulls.some((p) => p.number === input.number))
    .map(({ group }) => group);
}

/** The live group whose head is `sha` (someone else wrote our status on it: the worker re-posts ours), or null. */
export async function liveGroupAt(
  deps: Pick<AppDeps, 'audit' | 'now'>,
  input: { repo: string; sha: string },
): Promise<LiveMergeGroup | null> {
  const groups = await liveGroups(deps, input.repo);
  return groups.find(({ group }) => group.headSha === input.sha)?.group ?? null;
}
