import type { components } from '@octokit/openapi-types';
import type { FileDiff } from './git-graph.js';
import {
  headOid,
  userId,
  type GitHubData,
  type CollaboratorRole,
  type SimActor,
  type SimApp,
  type SimCheckRun,
  type SimComment,
  type SimCommit,
  type SimIssue,
  type SimPullRequest,
  type SimRepository,
  type SimStatus,
} from './model.js';

/**
 * REST answers built to GitHub's OpenAPI description (`@octokit/openapi-types`): a field GitHub adds, renames or
 * makes required breaks the type check here, so the simulator cannot drift from the real shapes.
 */
type Schemas = components['schemas'];

export interface RestUrls {
  /** e.g. `http://127.0.0.1:1234/api/v3` */
  api: string;
  /** e.g. `http://127.0.0.1:1234` */
  web: string;
}

/** REST names apps' bot users `<slug>[bot]`; GraphQL names them without the suffix. */
export function restLogin(actor: SimActor): string {
  return actor.type === 'Bot' ? `${actor.login}[bot]` : actor.login;
}

export function simpleUser(
  data: GitHubData,
  urls: RestUrls,
  login: string,
  type: 'User' | 'Bot' | 'Organization' = 'User',
): Schemas['simple-user'] {
  const api = `${urls.api}/users/${login}`;
  return {
    login,
    id: userId(data, login),
    node_id: Buffer.from(`04:${type}${login}`).toString('base64'),
    avatar_url: `${urls.web}/avatars/${login}`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
  };
}

export function integration(data: GitHubData, urls: RestUrls, app: SimApp, owner: string): NonNullable<Schemas['nullable-integration']> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: Buffer.from(`03:Integration${app.id}`).toString('base64'),
    owner: simpleUser(data, urls, owner, 'Organization'),
    name: app.name,
    description: null,
    external_url: urls.web,
    html_url: `${urls.web}/apps/${app.slug}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: { checks: 'write', statuses: 'write', contents: 'read', pull_requests: 'read', metadata: 'read' },
    events: ['pull_request', 'pull_request_review', 'check_run', 'check_suite', 'status'],
  };
}

export function restRepository(data: GitHubData, urls: RestUrls, repo: SimRepository): Schemas['repository'] {
  const fullName = `${repo.owner}/${repo.name}`;
  const api = `${urls.api}/repos/${fullName}`;
  const html = `${urls.web}/${fullName}`;
  const host = new URL(urls.web).host;
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString('base64'),
    name: repo.name,
    full_name: fullName,
    license: null,
    forks: 0,
    owner: simpleUser(data, urls, repo.owner, 'Organization'),
    private: repo.private,
    html_url: html,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 1,
    default_branch: repo.defaultBranch,
    open_issues_count: [...repo.pulls.values()].filter((p) => p.state === 'OPEN').length,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: null,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    open_issues: [...repo.pulls.values()].filter((p) => p.state === 'OPEN').length,
    watchers: 0,
  };
}

export function restCheckRun(data: GitHubData, urls: RestUrls, repo: SimRepository, run: SimCheckRun): Schemas['check-run'] {
  const app = data.apps.get(run.appId);
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: Buffer.from(`04:CheckRun${run.id}`).toString('base64'),
    external_id: run.externalId,
    url: api,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { ...run.output, annotations_count: 0, annotations_url: `${api}/annotations` },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: app ? integration(data, urls, app, repo.owner) : null,
    pull_requests: [...repo.pulls.values()]
      .filter((pr) => pr.state === 'OPEN' && headOid(pr) === run.headSha)
      .map((pr) => ({
        id: pr.id,
        number: pr.number,
        url: `${urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pr.number}`,
        head: {
          ref: pr.headRef,
          sha: headOid(pr),
          repo: { id: repo.id, url: `${urls.api}/repos/${repo.owner}/${repo.name}`, name: repo.name },
        },
        base: {
          ref: pr.baseRef,
          sha: repo.branches.get(pr.baseRef) ?? '',
          repo: { id: repo.id, url: `${urls.api}/repos/${repo.owner}/${repo.name}`, name: repo.name },
        },
      })),
  };
}

export function restStatus(data: GitHubData, urls: RestUrls, repo: SimRepository, status: SimStatus): Schemas['status'] {
  const creator = simpleUser(data, urls, restLogin(status.creator), status.creator.type);
  return {
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/statuses/${status.sha}`,
    avatar_url: creator.avatar_url,
    id: status.id,
    node_id: Buffer.from(`011:StatusContext${status.id}`).toString('base64'),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator,
  };
}

export function restPullRequestSimple(
  data: GitHubData,
  urls: RestUrls,
  repo: SimRepository,
  pr: SimPullRequest,
): Schemas['pull-request-simple'] {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}`;
  const user = simpleUser(data, urls, restLogin(pr.author), pr.author.type);
  const restRepo = restRepository(data, urls, repo);
  const side = (ref: string, sha: string) => ({ label: `${repo.owner}:${ref}`, ref, repo: restRepo, sha, user: restRepo.owner });
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: Buffer.from(`011:PullRequest${pr.id}`).toString('base64'),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${headOid(pr)}`,
    number: pr.number,
    state: pr.state === 'OPEN' ? 'open' : 'closed',
    locked: false,
    title: pr.title,
    user,
    body: pr.body,
    labels: [],
    milestone: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.state === 'OPEN' ? null : pr.updatedAt,
    merged_at: pr.merge?.mergedAt ?? null,
    merge_commit_sha: pr.merge?.commitOid ?? null,
    assignee: null,
    head: side(pr.headRef, headOid(pr)),
    base: side(pr.baseRef, repo.branches.get(pr.baseRef) ?? ''),
    _links: {
      comments: link(`${api}/issues/${pr.number}/comments`),
      commits: link(`${api}/pulls/${pr.number}/commits`),
      statuses: link(`${api}/statuses/${headOid(pr)}`),
      html: link(html),
      issue: link(`${api}/issues/${pr.number}`),
      review_comments: link(`${api}/pulls/${pr.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      self: link(`${api}/pulls/${pr.number}`),
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pr.draft,
  };
}

export function restIssueComment(data: GitHubData, urls: RestUrls, repo: SimRepository, comment: SimComment): Schemas['issue-comment'] {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const app = comment.author.type === 'Bot' ? [...data.apps.values()].find((a) => a.slug === comment.author.login) : undefined;
  return {
    id: comment.id,
    node_id: Buffer.from(`012:IssueComment${comment.id}`).toString('base64'),
    url: `${api}/issues/comments/${comment.id}`,
    body: comment.body,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/${repo.pulls.has(comment.issueNumber) ? 'pull' : 'issues'}/${comment.issueNumber}#issuecomment-${comment.id}`,
    user: simpleUser(data, urls, restLogin(comment.author), comment.author.type),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    author_association: 'NONE',
    performed_via_github_app: app ? integration(data, urls, app, repo.owner) : null,
  };
}

export function restIssue(data: GitHubData, urls: RestUrls, repo: SimRepository, issue: SimIssue): Schemas['issue'] {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const app = issue.author.type === 'Bot' ? [...data.apps.values()].find((a) => a.slug === issue.author.login) : undefined;
  return {
    id: issue.id,
    node_id: Buffer.from(`05:Issue${issue.id}`).toString('base64'),
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `${urls.web}/${repo.owner}/${repo.name}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: simpleUser(data, urls, restLogin(issue.author), issue.author.type),
    labels: [],
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: 'NONE',
    performed_via_github_app: app ? integration(data, urls, app, repo.owner) : null,
  };
}

export function restDiffEntry(urls: RestUrls, repo: SimRepository, ref: string, diff: FileDiff): Schemas['diff-entry'] {
  const path = encodeURI(diff.filename);
  return {
    sha: diff.sha,
    filename: diff.filename,
    status: diff.status,
    additions: diff.additions,
    deletions: diff.deletions,
    changes: diff.additions + diff.deletions,
    blob_url: `${urls.web}/${repo.owner}/${repo.name}/blob/${ref}/${path}`,
    raw_url: `${urls.web}/${repo.owner}/${repo.name}/raw/${ref}/${path}`,
    contents_url: `${urls.api}/repos/${repo.owner}/${repo.name}/contents/${path}?ref=${ref}`,
    ...(diff.status === 'renamed' && diff.patch === '' ? {} : { patch: diff.patch }),
    ...(diff.previousFilename === null ? {} : { previous_filename: diff.previousFilename }),
  };
}

export function restCommit(data: GitHubData, urls: RestUrls, repo: SimRepository, commit: SimCommit): Schemas['commit'] {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const gitUser = (identity: { name: string; email: string }) => ({
    name: identity.name,
    email: identity.email,
    date: commit.committedDate,
  });
  const user = (login: string | null) => (login === null ? null : simpleUser(data, urls, login));
  const author = commit.authors[0]!;
  return {
    url: `${api}/commits/${commit.oid}`,
    sha: commit.oid,
    node_id: Buffer.from(`06:Commit${commit.oid}`).toString('base64'),
    html_url: `${urls.web}/${repo.owner}/${repo.name}/commit/${commit.oid}`,
    comments_url: `${api}/commits/${commit.oid}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.oid}`,
      author: gitUser(author),
      committer: gitUser(commit.committer),
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.oid.split('').reverse().join(''), url: `${api}/git/trees/${commit.oid}` },
    },
    author: user(author.login),
    committer: user(commit.committer.login),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${urls.web}/${repo.owner}/${repo.name}/commit/${sha}`,
    })),
  };
}

export function installationToken(token: string, expiresAt: string): Schemas['installation-token'] {
  return {
    token,
    expires_at: expiresAt,
    permissions: { checks: 'write', statuses: 'write', contents: 'read', pull_requests: 'read', metadata: 'read', members: 'read' },
    repository_selection: 'all',
  };
}

/** `GET /repos/{owner}/{repo}/collaborators/{username}/permission`: the legacy base role, and the role's own name. */
export function restCollaboratorPermission(
  data: GitHubData,
  urls: RestUrls,
  login: string,
  role: CollaboratorRole | null,
): Schemas['repository-collaborator-permission'] {
  const permission = role === null ? 'none' : role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
  const level = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(role ?? '');
  return {
    permission,
    role_name: role ?? 'none',
    user: {
      ...simpleUser(data, urls, login),
      permissions: { pull: level >= 0, triage: level >= 1, push: level >= 2, maintain: level >= 3, admin: level >= 4 },
      role_name: role ?? 'none',
    },
  };
}
