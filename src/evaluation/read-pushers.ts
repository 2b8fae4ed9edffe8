import type { PushFact } from '../policy/facts.js';
import type { AppDeps } from './app-deps.js';
import { verifyStoredEvidence } from './verify-stored-evidence.js';

/** Everyone who pushed a head to the PR while it was open, from the `push` entries of the audit store. */
export async function readPushers(input: { deps: AppDeps; owner: string; repo: string; number: number }): Promise<PushFact[]> {
  const { deps, owner, repo, number } = input;
  const pushes = await deps.audit.list({ repo: `${owner}/${repo}`, prNumber: number, kinds: ['push'] });
  // A forged or altered push entry could hide a pusher from the independence check: each is verified first.
  await verifyStoredEvidence({ deps, entries: pushes });
  return pushes.flatMap((e) => {
    const pusher = e.data.pusher;
    return typeof pusher === 'string' && e.headSha ? [{ login: pusher, headSha: e.headSha, at: e.at }] : [];
  });
}
