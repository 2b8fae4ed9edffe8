import type { components } from '@octokit/openapi-types';
import {
  userId,
  type CollaboratorRole,
  type GitHubData,
  type SimApp,
  type SimProtection,
  type SimRepository,
  type SimRuleset,
  type SimTeam,
} from './model.js';
import { simpleUser, type RestUrls } from './rest-shapes.js';

/** REST answers for rulesets, branch protection, collaborators, teams and installations, typed with GitHub's OpenAPI description. */
type Schemas = components['schemas'];

const LEVELS: CollaboratorRole[] = ['read', 'triage', 'write', 'maintain', 'admin'];

function permissions(role: CollaboratorRole) {
  const level = LEVELS.indexOf(role);
  return { pull: level >= 0, triage: level >= 1, push: level >= 2, maintain: level >= 3, admin: level >= 4 };
}

/** One `required_status_checks` rule of `GET rules/branches/{branch}`, with the ruleset it comes from. */
export function restBranchRule(ruleset: SimRuleset): Schemas['repository-rule-detailed'] {
  return {
    type: 'required_status_checks',
    parameters: {
      required_status_checks: ruleset.requiredChecks.map((c) => ({
        context: c.context,
        ...(c.integrationId === undefined ? {} : { integration_id: c.integrationId }),
      })),
      strict_required_status_checks_policy: false,
    },
    ruleset_source_type: ruleset.sourceType,
    ruleset_source: ruleset.source,
    ruleset_id: ruleset.id,
  };
}

/** `GET rulesets/{id}`; `bypass_actors` only for a caller allowed to see them. */
export function restRuleset(urls: RestUrls, repo: SimRepository, ruleset: SimRuleset, disclose: boolean): Schemas['repository-ruleset'] {
  return {
    id: ruleset.id,
    name: ruleset.name,
    target: 'branch',
    source_type: ruleset.sourceType,
    source: ruleset.source,
    enforcement: ruleset.enforcement,
    ...(disclose
      ? { bypass_actors: ruleset.bypassActors.map((a) => ({ actor_id: a.actorId, actor_type: a.actorType, bypass_mode: a.bypassMode })) }
      : {}),
    current_user_can_bypass: 'never',
    node_id: Buffer.from(`RRS_${ruleset.id}`).toString('base64'),
    _links: { self: { href: `${urls.api}/repos/${repo.owner}/${repo.name}/rulesets/${ruleset.id}` } },
    conditions: { ref_name: { include: ruleset.include.map((p) => (p.startsWith('~') ? p : `refs/heads/${p}`)), exclude: [] } },
    rules:
      ruleset.requiredChecks.length > 0
        ? [
            {
              type: 'required_status_checks',
              parameters: {
                required_status_checks: ruleset.requiredChecks.map((c) => ({
                  context: c.context,
                  ...(c.integrationId === undefined ? {} : { integration_id: c.integrationId }),
                })),
                strict_required_status_checks_policy: false,
              },
            },
          ]
        : [],
    created_at: ruleset.createdAt,
    updated_at: ruleset.updatedAt,
  };
}

/** `GET branches/{branch}/protection`. */
export function restProtection(
  urls: RestUrls,
  repo: SimRepository,
  branch: string,
  protection: SimProtection,
): Schemas['branch-protection'] {
  const url = `${urls.api}/repos/${repo.owner}/${repo.name}/branches/${branch}/protection`;
  return {
    url,
    required_status_checks: {
      url: `${url}/required_status_checks`,
      strict: false,
      contexts: protection.requiredChecks.map((c) => c.context),
      checks: protection.requiredChecks.map((c) => ({ context: c.context, app_id: c.appId })),
      contexts_url: `${url}/required_status_checks/contexts`,
    },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: protection.enforceAdmins },
    name: branch,
    protection_url: url,
  };
}

export function restShortBranch(urls: RestUrls, repo: SimRepository, name: string, sha: string): Schemas['short-branch'] {
  return {
    name,
    commit: { sha, url: `${urls.api}/repos/${repo.owner}/${repo.name}/commits/${sha}` },
    protected: repo.protection.has(name),
    protection_url: `${urls.api}/repos/${repo.owner}/${repo.name}/branches/${name}/protection`,
  };
}

export function restCollaborator(data: GitHubData, urls: RestUrls, login: string, role: CollaboratorRole): Schemas['collaborator'] {
  return { ...simpleUser(data, urls, login), permissions: permissions(role), role_name: role };
}

export function restTeam(urls: RestUrls, team: SimTeam & { id: number }, role: CollaboratorRole): Schemas['team'] {
  const api = `${urls.api}/orgs/${team.org}/teams/${team.slug}`;
  const legacy = role === 'write' ? 'push' : role === 'read' ? 'pull' : role;
  return {
    id: team.id,
    node_id: Buffer.from(`04:Team${team.id}`).toString('base64'),
    name: team.slug,
    slug: team.slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: legacy,
    permissions: permissions(role),
    url: api,
    html_url: `${urls.web}/orgs/${team.org}/teams/${team.slug}`,
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    type: 'organization',
    parent: null,
  };
}

export function restInstallation(
  data: GitHubData,
  urls: RestUrls,
  app: SimApp,
  input: { id: number; account: string },
): Schemas['installation'] {
  return {
    id: input.id,
    account: simpleUser(data, urls, input.account, 'Organization'),
    repository_selection: 'selected',
    access_tokens_url: `${urls.api}/app/installations/${input.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.web}/organizations/${input.account}/settings/installations/${input.id}`,
    app_id: app.id,
    target_id: userId(data, input.account),
    target_type: 'Organization',
    permissions: {
      checks: 'write',
      statuses: 'write',
      contents: 'read',
      pull_requests: 'read',
      metadata: 'read',
      members: 'read',
      administration: data.administration ?? undefined,
    },
    events: ['pull_request', 'repository_ruleset', 'branch_protection_rule'],
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null,
    app_slug: app.slug,
    suspended_by: null,
    suspended_at: null,
  };
}
