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
 * The merge groups whose last recorded verdict is `success`, that hold PR `number` and that GitHub has not
 * destroyed (no `merge-group-destroyed` entry): a PR that stops passing must not leave them standing. Read from the
 * audit store only (no GitHub call).
 */
export async function liveGroupsHolding(
  deps: Pick<AppDeps, 'audit' | 'now'>,
  input: { repo: string; number: number },
): Promise<LiveMergeGroup[]> {
  const since = new Date(deps.now().getTime() - LIVE_FOR_MS).toISOString();
  const entries = await deps.audit.list({
    repo: input.repo,
    kinds: ['merge-group', 'merge-group-destroyed'],
    since,
    newestFirst: true,
    limit: 200,
  });
  const settled = new Set(entries.filter((e) => e.kind === 'merge-group-destroyed').map((e) => e.headSha));
  const groups: LiveMergeGroup[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'merge-group' || entry.headSha === null || settled.has(entry.headSha)) continue;
    // Newest first: the first entry of a head is its last verdict.
    settled.add(entry.headSha);
    const group = MergeGroupRecord.safeParse(entry.data);
    if (!group.success || group.data.state !== 'success' || !group.data.pulls.some((p) => p.number === input.number)) continue;
    const { headRef, baseSha, baseRef } = group.data;
    groups.push({ headSha: entry.headSha, headRef, baseSha, baseRef });
  }
  return groups;
}
