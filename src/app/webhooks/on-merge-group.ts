import type { Context } from 'probot';
import type { MergeGroupDestroyedRecord } from '../../audit/evidence-records.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { recordEvidence } from '../../evaluation/record-evidence.js';
import { branchOf } from '../../github/find-merge-group-pulls.js';
import { acceptWork } from '../accept-work.js';
import { MergeGroupPayload, parsePayload } from '../payloads.js';
import { installationOf } from './installation-of.js';

export const MERGE_GROUP_EVENTS = ['merge_group.checks_requested', 'merge_group.destroyed'] as const;

/**
 * A merge queue's group. `checks_requested`: queue the group's verdict (keyed by its head SHA, so a redelivery or
 * a repeat coalesces); the worker finds its PRs and judges them (src/evaluation/evaluate-merge-group.ts).
 * `destroyed` (merged, invalidated, dequeued): recorded, nothing else.
 */
export function onMergeGroup(deps: AppDeps) {
  return async (context: Context<'merge_group'>): Promise<void> => {
    const p = parsePayload(MergeGroupPayload, context.name, context.payload);
    const group = p.merge_group;
    const owner = p.repository.owner.login;
    const repo = p.repository.name;
    if (context.payload.action === 'destroyed') {
      const record: MergeGroupDestroyedRecord = { headRef: group.head_ref, baseRef: branchOf(group.base_ref), reason: p.reason ?? null };
      await recordEvidence(deps, {
        kind: 'merge-group-destroyed',
        deliveryId: context.id,
        repo: `${owner}/${repo}`,
        prNumber: null,
        headSha: group.head_sha,
        data: record,
      });
      return;
    }
    await acceptWork({
      deps,
      delivery: context,
      requests: [
        {
          kind: 'merge-group',
          installationId: installationOf(context.name, context.payload),
          owner,
          repo,
          deliveryIds: [context.id],
          force: 'none',
          statusWrites: [],
          headSha: group.head_sha,
          headRef: group.head_ref,
          baseSha: group.base_sha,
          baseRef: group.base_ref,
        },
      ],
    });
  };
}
