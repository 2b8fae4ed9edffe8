import type { components } from '@octokit/openapi-types';
import type { GitHubData, SimApp } from './model.js';
import { simpleUser, type RestUrls } from './rest-shapes.js';

type Schemas = components['schemas'];

/** `GET /user` for a user token (the public fields GitHub always returns). */
export function restPublicUser(data: GitHubData, urls: RestUrls, login: string): Schemas['public-user'] {
  const { user_view_type: _view, ...user } = { ...simpleUser(data, urls, login), user_view_type: undefined };
  return {
    ...user,
    gravatar_id: '',
    name: login,
    company: null,
    blog: null,
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
  };
}

/** `GET /orgs/{org}/installation`: the app's installation on the organisation. */
export function restInstallation(
  data: GitHubData,
  urls: RestUrls,
  app: SimApp,
  input: { id: number; org: string },
): Schemas['installation'] {
  return {
    id: input.id,
    account: simpleUser(data, urls, input.org, 'Organization'),
    repository_selection: 'all',
    access_tokens_url: `${urls.api}/app/installations/${input.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.web}/organizations/${input.org}/settings/installations/${input.id}`,
    app_id: app.id,
    target_id: simpleUser(data, urls, input.org, 'Organization').id as number,
    target_type: 'Organization',
    permissions: {
      checks: 'write',
      statuses: 'write',
      contents: 'read',
      pull_requests: 'read',
      metadata: 'read',
      members: 'read',
      issues: 'write',
    },
    events: ['pull_request', 'pull_request_review', 'check_run', 'check_suite', 'status'],
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null,
    app_slug: app.slug,
    suspended_by: null,
    suspended_at: null,
  };
}

export function restTeamMembership(urls: RestUrls, input: { org: string; slug: string; login: string }): Schemas['team-membership'] {
  return { url: `${urls.api}/orgs/${input.org}/teams/${input.slug}/memberships/${input.login}`, role: 'member', state: 'active' };
}
