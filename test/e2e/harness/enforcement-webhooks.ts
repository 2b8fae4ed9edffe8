import { createRequire } from 'node:module';
import type { components } from '@octokit/openapi-webhooks-types';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { SimRuleset } from '../../simulators/github/model.js';
import type { GitHubSimulator } from '../../simulators/index.js';

/**
 * Webhooks after which what GitHub enforces may have changed: `branch_protection_rule`, `installation` and
 * `installation_repositories` from GitHub's real examples (`@octokit/webhooks-examples`); `repository_ruleset`,
 * which has no example there, built to GitHub's webhook description (`@octokit/openapi-webhooks-types`).
 */

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

export interface RepoEventTarget {
  github: GitHubSimulator;
  owner: string;
  repo: string;
  installationId: number;
}

function example<N extends 'branch_protection_rule' | 'installation' | 'installation_repositories'>(
  name: N,
  action: string,
): WebhookDefinition<N>['examples'][number] {
  const definition = definitions.find((d) => d.name === name) as WebhookDefinition<N> | undefined;
  const found = definition?.examples.find((e) => (e as { action?: string }).action === action);
  if (!found) throw new Error(`no ${name}.${action} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

const installation = (id: number) => ({ id, node_id: Buffer.from(`03:Installation${id}`).toString('base64') });

function repository(target: RepoEventTarget) {
  const repo = target.github.data.repos.get(`${target.owner}/${target.repo}`.toLowerCase());
  if (!repo) throw new Error(`no repository ${target.owner}/${target.repo} in the simulator`);
  return repo;
}

/** `branch_protection_rule` (created, edited, deleted) for the repository. */
export function branchProtectionRuleEvent(target: RepoEventTarget, action: 'created' | 'edited' | 'deleted' = 'edited') {
  const payload = example('branch_protection_rule', action);
  const repo = repository(target);
  Object.assign(payload, { installation: installation(target.installationId) });
  Object.assign(payload.repository, {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    default_branch: repo.defaultBranch,
    private: repo.private,
  });
  payload.repository.owner.login = repo.owner;
  return payload;
}

type RulesetEvent = Pick<components['schemas']['webhook-repository-ruleset-edited'], 'action' | 'repository_ruleset'> & {
  installation: { id: number; node_id: string };
  repository?: { id: number; name: string; full_name: string; private: boolean; owner: { login: string } };
  organization?: { login: string };
  sender: { login: string; type: string };
};

/** `repository_ruleset.edited` for a repository ruleset (with `repository`), or an organisation's (without it). */
export function repositoryRulesetEvent(
  target: RepoEventTarget,
  ruleset: SimRuleset,
  input: { sender?: string; organisation?: boolean } = {},
): RulesetEvent {
  const repo = repository(target);
  return {
    action: 'edited',
    repository_ruleset: {
      id: ruleset.id,
      name: ruleset.name,
      source: ruleset.source,
      source_type: ruleset.sourceType,
      enforcement: ruleset.enforcement,
      target: 'branch',
    },
    installation: installation(target.installationId),
    ...(input.organisation
      ? { organization: { login: repo.owner } }
      : {
          repository: {
            id: repo.id,
            name: repo.name,
            full_name: `${repo.owner}/${repo.name}`,
            private: repo.private,
            owner: { login: repo.owner },
          },
        }),
    sender: { login: input.sender ?? 'mallory', type: 'User' },
  };
}

/** `installation.created` for the installation of the given repositories. */
export function installationCreatedEvent(target: RepoEventTarget) {
  const payload = example('installation', 'created');
  Object.assign(payload.installation, { id: target.installationId });
  payload.installation.account = { ...payload.installation.account, login: target.owner } as typeof payload.installation.account;
  return payload;
}

/** `installation_repositories.added` for one repository. */
export function repositoriesAddedEvent(target: RepoEventTarget) {
  const payload = example('installation_repositories', 'added');
  const repo = repository(target);
  Object.assign(payload.installation, { id: target.installationId });
  payload.repositories_added = [
    { ...payload.repositories_added[0]!, id: repo.id, name: repo.name, full_name: `${repo.owner}/${repo.name}`, private: repo.private },
  ];
  payload.repositories_removed = [];
  return payload;
}
