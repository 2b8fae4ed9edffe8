import type { AppDeps } from '../../evaluation/app-deps.js';

/** Why the head a command would act on may not be the head its author looked at, or null when it is. */
export type HeadMoved = { pushedAt: string } | { pushedAt: null };

/**
 * Whether `headSha` reached the PR after `writtenAt` (when the command's comment was written), from the push
 * records of the PR. A push recorded after the comment: the author looked at an earlier head. Pushes recorded
 * but none for this head: its push is not recorded yet, so when it came is unknown (refused, fail closed). No
 * push recorded at all (a PR opened before the app was installed): nothing to compare, the head stands.
 */
export async function headPushedAfter(input: {
  deps: AppDeps;
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  writtenAt: string;
}): Promise<HeadMoved | null> {
  const { deps, owner, repo, number, headSha } = input;
  const pushes = await deps.audit.list({ repo: `${owner}/${repo}`, prNumber: number, kinds: ['push'], newestFirst: true, limit: 100 });
  if (pushes.length === 0) return null;
  const push = pushes.find((entry) => entry.headSha === headSha);
  if (!push) return { pushedAt: null };
  // GitHub's time of the push (the delivery's updated_at) compares with the comment's time on one clock; older
  // records without it fall back to when the app recorded the push, which is later (so stricter).
  const updatedAt = (push.data as { updatedAt?: unknown }).updatedAt;
  const pushedAt = typeof updatedAt === 'string' ? updatedAt : push.at;
  return Date.parse(pushedAt) > Date.parse(input.writtenAt) ? { pushedAt } : null;
}
