import { ancestors, diffTrees, pullRequestBase } from './git-graph.js';
import { connection, type Args } from './graphql-connection.js';
import {
  blobOid,
  repoKey,
  type GitHubData,
  type GitIdentity,
  type SimActor,
  type SimCheckRun,
  type SimCommit,
  type SimPullRequest,
  type SimRepository,
  type SimReview,
  type SimStatus,
} from './model.js';
import { latestCheckRuns, latestStatuses } from './rollup.js';

/**
 * The simulated GitHub as graphql-js source objects: plain fields, functions for fields with arguments, `__typename`
 * on every object that can sit behind an interface or union (graphql-js resolves abstract types from it).
 */

/** Thrown for what GitHub answers with a `NOT_FOUND` error (the field becomes null). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Thrown for what GitHub answers with a `FORBIDDEN` error ("Resource not accessible by integration"). */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

export interface GraphqlContext {
  data: GitHubData;
  /** The web base URL, e.g. `http://127.0.0.1:1234` (GHES serves the UI and the API on one host). */
  webUrl: string;
}

type GqlObject = Record<string, unknown>;

const nodeId = (kind: string, id: number | string): string => Buffer.from(`0:${kind}${id}`).toString('base64');

export function userObject(ctx: GraphqlContext, login: string): GqlObject {
  return { __typename: 'User', login, url: `${ctx.webUrl}/${login}`, id: nodeId('User', login) };
}

export function actorObject(ctx: GraphqlContext, actor: SimActor): GqlObject {
  const path = actor.type === 'Bot' ? `apps/${actor.login}` : actor.login;
  return {
    __typename: actor.type,
    login: actor.login,
    url: `${ctx.webUrl}/${path}`,
    avatarUrl: () => `${ctx.webUrl}/avatars/${actor.login}`,
  };
}

function gitActorObject(ctx: GraphqlContext, identity: GitIdentity, date: string): GqlObject {
  return { name: identity.name, email: identity.email, date, user: identity.login === null ? null : userObject(ctx, identity.login) };
}

function blobObject(text: string): GqlObject {
  const oid = blobOid(text);
  return {
    __typename: 'Blob',
    oid,
    abbreviatedOid: oid.slice(0, 7),
    text,
    isBinary: false,
    isTruncated: false,
    byteSize: Buffer.byteLength(text),
  };
}

export function commitObject(ctx: GraphqlContext, repo: SimRepository, commit: SimCommit): GqlObject {
  const nameWithOwner = `${repo.owner}/${repo.name}`;
  return {
    __typename: 'Commit',
    id: nodeId('Commit', commit.oid),
    oid: commit.oid,
    abbreviatedOid: commit.oid.slice(0, 7),
    message: commit.message,
    messageHeadline: commit.message.split('\n')[0],
    committedDate: commit.committedDate,
    authoredDate: commit.committedDate,
    committedViaWeb: commit.committedViaWeb,
    url: `${ctx.webUrl}/${nameWithOwner}/commit/${commit.oid}`,
    author: gitActorObject(ctx, commit.authors[0]!, commit.committedDate),
    committer: gitActorObject(ctx, commit.committer, commit.committedDate),
    authors: (args: Args) => connection(commit.authors, args, 'authors', (a) => gitActorObject(ctx, a, commit.committedDate)),
    parents: (args: Args) =>
      connection(commit.parents, args, 'parents', (oid) => {
        const parent = repo.commits.get(oid);
        return parent ? commitObject(ctx, repo, parent) : null;
      }),
    file: (args: Args) => {
      const path = String(args.path);
      const branch = [...repo.branches].find(([, oid]) => oid === commit.oid)?.[0] ?? null;
      ctx.data.fileReads.push({ repo: nameWithOwner, commitOid: commit.oid, branch, onDefaultBranch: branch === repo.defaultBranch, path });
      const text = commit.tree.get(path);
      if (text === undefined) return null;
      return { name: path.split('/').at(-1), path, type: 'blob', mode: 33188, object: blobObject(text) };
    },
    statusCheckRollup: () => rollupObject(ctx, repo, commit.oid),
    // The commit and its ancestors, nearest first, committed at or after `since` (GitHub's `history`).
    history: (args: Args) => {
      const since = typeof args.since === 'string' ? Date.parse(args.since) : Number.NEGATIVE_INFINITY;
      const oids = ancestors(repo, commit.oid).filter((oid) => Date.parse(repo.commits.get(oid)!.committedDate) >= since);
      return connection(oids, args, 'history', (oid) => commitObject(ctx, repo, repo.commits.get(oid)!));
    },
    // The PRs that contain the commit or whose merge put it on their base branch (GitHub's association), oldest first.
    associatedPullRequests: (args: Args) =>
      connection(
        [...repo.pulls.values()].filter((pr) => pr.commits.includes(commit.oid) || pr.merge?.commitOid === commit.oid),
        args,
        'associatedPullRequests',
        (pr) => pullRequestObject(ctx, repo, pr),
      ),
  };
}

function checkRunObject(ctx: GraphqlContext, repo: SimRepository, run: SimCheckRun): GqlObject {
  const app = ctx.data.apps.get(run.appId);
  return {
    __typename: 'CheckRun',
    id: nodeId('CheckRun', run.id),
    databaseId: run.id,
    name: run.name,
    status: run.status.toUpperCase(),
    conclusion: run.conclusion?.toUpperCase() ?? null,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    detailsUrl: run.detailsUrl,
    externalId: run.externalId,
    title: run.output.title,
    summary: run.output.summary,
    text: run.output.text,
    url: `${ctx.webUrl}/${repo.owner}/${repo.name}/runs/${run.id}`,
    permalink: `${ctx.webUrl}/${repo.owner}/${repo.name}/runs/${run.id}`,
    checkSuite: {
      id: nodeId('CheckSuite', run.checkSuiteId),
      databaseId: run.checkSuiteId,
      app: {
        id: nodeId('App', run.appId),
        databaseId: run.appId,
        name: app?.name ?? `app-${run.appId}`,
        slug: app?.slug ?? `app-${run.appId}`,
      },
    },
  };
}

function statusContextObject(ctx: GraphqlContext, status: SimStatus): GqlObject {
  return {
    __typename: 'StatusContext',
    id: nodeId('StatusContext', status.id),
    context: status.context,
    state: status.state.toUpperCase(),
    description: status.description,
    targetUrl: status.targetUrl,
    createdAt: status.createdAt,
    creator: actorObject(ctx, status.creator),
  };
}

/** GitHub answers null when nothing reported on the commit. */
function rollupObject(ctx: GraphqlContext, repo: SimRepository, oid: string): GqlObject | null {
  const contexts = [
    ...latestCheckRuns(repo, oid).map((run) => checkRunObject(ctx, repo, run)),
    ...latestStatuses(repo, oid).map((status) => statusContextObject(ctx, status)),
  ];
  if (contexts.length === 0) return null;
  return { contexts: (args: Args) => connection(contexts, args, 'contexts', (c) => c) };
}

function reviewObject(ctx: GraphqlContext, repo: SimRepository, review: SimReview): GqlObject {
  const commit = repo.commits.get(review.commitOid);
  return {
    __typename: 'PullRequestReview',
    id: nodeId('PullRequestReview', review.id),
    databaseId: review.id,
    author: actorObject(ctx, review.author),
    authorCanPushToRepository: review.authorCanPush,
    state: review.state,
    submittedAt: review.state === 'PENDING' ? null : review.submittedAt,
    commit: commit ? commitObject(ctx, repo, commit) : null,
  };
}

function pullRequestObject(ctx: GraphqlContext, repo: SimRepository, pr: SimPullRequest): GqlObject {
  const url = `${ctx.webUrl}/${repo.owner}/${repo.name}/pull/${pr.number}`;
  return {
    __typename: 'PullRequest',
    id: nodeId('PullRequest', pr.id),
    databaseId: pr.id,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    url,
    state: pr.state,
    isDraft: pr.draft,
    author: actorObject(ctx, pr.author),
    baseRefName: pr.baseRef,
    headRefName: pr.headRef,
    headRefOid: pr.commits.at(-1),
    changedFiles: () => {
      const head = repo.commits.get(pr.commits.at(-1)!)!;
      const base = pullRequestBase(repo, pr, head.oid);
      return diffTrees(base === null ? new Map() : repo.commits.get(base)!.tree, head.tree).length;
    },
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    merged: pr.merge !== null,
    mergedAt: pr.merge?.mergedAt ?? null,
    mergedBy: pr.merge ? actorObject(ctx, { login: pr.merge.mergedBy, type: 'User' }) : null,
    mergeCommit: pr.merge ? commitObject(ctx, repo, repo.commits.get(pr.merge.commitOid)!) : null,
    closed: pr.state !== 'OPEN',
    commits: (args: Args) =>
      connection(pr.commits, args, 'commits', (oid) => ({
        __typename: 'PullRequestCommit',
        id: nodeId('PullRequestCommit', oid),
        url: `${url}/commits/${oid}`,
        commit: commitObject(ctx, repo, repo.commits.get(oid)!),
      })),
    reviews: (args: Args) => {
      const states = Array.isArray(args.states) ? (args.states as string[]) : null;
      const author = typeof args.author === 'string' ? args.author.toLowerCase() : null;
      const reviews = pr.reviews.filter(
        (r) => (states === null || states.includes(r.state)) && (author === null || r.author.login.toLowerCase() === author),
      );
      return connection(reviews, args, 'reviews', (r) => reviewObject(ctx, repo, r));
    },
  };
}

export function repositoryObject(ctx: GraphqlContext, repo: SimRepository): GqlObject {
  const refObject = (name: string): GqlObject | null => {
    const oid = repo.branches.get(name);
    const commit = oid === undefined ? undefined : repo.commits.get(oid);
    return commit ? { __typename: 'Ref', name, prefix: 'refs/heads/', target: commitObject(ctx, repo, commit) } : null;
  };
  return {
    __typename: 'Repository',
    id: nodeId('Repository', repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    isPrivate: repo.private,
    url: `${ctx.webUrl}/${repo.owner}/${repo.name}`,
    owner: { __typename: 'Organization', login: repo.owner },
    defaultBranchRef: refObject(repo.defaultBranch),
    ref: (args: Args) => refObject(String(args.qualifiedName).replace(/^refs\/heads\//, '')),
    // `states` and `baseRefName` filter; `orderBy` UPDATED_AT or CREATED_AT (default: creation, oldest first).
    pullRequests: (args: Args) => {
      const states = Array.isArray(args.states) ? (args.states as string[]) : null;
      const orderBy = (args.orderBy ?? null) as { field: string; direction: string } | null;
      const pulls = [...repo.pulls.values()].filter(
        (pr) => (states === null || states.includes(pr.state)) && (typeof args.baseRefName !== 'string' || pr.baseRef === args.baseRefName),
      );
      const field = orderBy?.field === 'UPDATED_AT' ? 'updatedAt' : 'createdAt';
      pulls.sort((a, b) => Date.parse(a[field]) - Date.parse(b[field]) || a.number - b.number);
      if (orderBy?.direction === 'DESC') pulls.reverse();
      return connection(pulls, args, 'pullRequests', (pr) => pullRequestObject(ctx, repo, pr));
    },
    pullRequest: (args: Args) => {
      const pr = repo.pulls.get(Number(args.number));
      if (!pr) throw new NotFoundError(`Could not resolve to a PullRequest with the number of ${String(args.number)}.`);
      return pullRequestObject(ctx, repo, pr);
    },
    object: (args: Args) => {
      const commit = typeof args.oid === 'string' ? repo.commits.get(args.oid) : undefined;
      return commit ? commitObject(ctx, repo, commit) : null;
    },
  };
}

function organizationObject(ctx: GraphqlContext, login: string): GqlObject {
  return {
    __typename: 'Organization',
    login,
    team: (args: Args) => {
      const team = ctx.data.teams.find((t) => t.org.toLowerCase() === login.toLowerCase() && t.slug === args.slug);
      if (!team) return null;
      return {
        __typename: 'Team',
        slug: team.slug,
        name: team.slug,
        members: (memberArgs: Args) => connection(team.members, memberArgs, 'members', (m) => userObject(ctx, m)),
      };
    },
  };
}

/** The `Query` root. */
export function queryRoot(ctx: GraphqlContext): GqlObject {
  return {
    repository: (args: Args) => {
      const repo = ctx.data.repos.get(repoKey(String(args.owner), String(args.name)));
      if (!repo) throw new NotFoundError(`Could not resolve to a Repository with the name '${String(args.owner)}/${String(args.name)}'.`);
      if (repo.unreadable) throw new ForbiddenError('Resource not accessible by integration');
      return repositoryObject(ctx, repo);
    },
    organization: (args: Args) => {
      const login = String(args.login).toLowerCase();
      const known =
        [...ctx.data.repos.values()].some((r) => r.owner.toLowerCase() === login) ||
        ctx.data.teams.some((t) => t.org.toLowerCase() === login);
      if (!known) throw new NotFoundError(`Could not resolve to an Organization with the login of '${String(args.login)}'.`);
      return organizationObject(ctx, String(args.login));
    },
  };
}
