import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { SimPush } from '../../simulators/github/state.js';
import type { RepoEventTarget } from './deployment-webhooks.js';

/** `push` webhooks matching the simulator, from GitHub's real examples (`@octokit/webhooks-examples`). */

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];
const ZERO = '0'.repeat(40);

type PushExample = WebhookDefinition<'push'>['examples'][number];

function example(): PushExample {
  const definition = definitions.find((d) => d.name === 'push') as WebhookDefinition<'push'> | undefined;
  // The branch push with an installation (the others are tags, or lack the installation an app receives).
  const found = definition?.examples.find((e) => e.ref.startsWith('refs/heads/') && e.installation !== undefined);
  if (!found) throw new Error('no branch push example in @octokit/webhooks-examples');
  return structuredClone(found);
}

/**
 * A `push` of a simulated ref update by `sender` (the authenticated account; the git pusher has its name). The
 * payload's commit list is emptied: the app reads which commits a push brought from GitHub, never from the payload.
 */
export function pushEvent(
  target: RepoEventTarget,
  push: Partial<SimPush> & { ref?: string; after: string; created?: boolean; deleted?: boolean },
  sender: string,
): PushExample {
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase());
  if (!repo) throw new Error(`no repository ${target.owner}/${target.repo} in the simulator`);
  const payload = example();
  Object.assign(payload, {
    ref: push.ref ?? `refs/heads/${push.branch ?? repo.defaultBranch}`,
    before: push.before ?? ZERO,
    after: push.after,
    created: push.created ?? false,
    deleted: push.deleted ?? false,
    forced: push.forced ?? false,
    commits: [],
    head_commit: null,
    installation: { id: target.installationId, node_id: Buffer.from(`03:Installation${target.installationId}`).toString('base64') },
    pusher: { name: sender, email: `${sender}@users.noreply.github.com` },
  });
  Object.assign(payload.repository, {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    default_branch: repo.defaultBranch,
    private: repo.private,
  });
  payload.repository.owner.login = repo.owner;
  Object.assign(payload.sender ?? {}, { login: sender, type: 'User' });
  return payload;
}
