import type { components } from '@octokit/openapi-types';
import { z } from 'zod';
import {
  headOid,
  nextId,
  nextNumber,
  tick,
  type GitHubData,
  type SimApp,
  type SimCheckRun,
  type SimIssue,
  type SimRepository,
} from './model.js';
import type { OAuthState } from './oauth-routes.js';
import { restInstallation } from './oauth-shapes.js';
import { ancestors, diffTrees, mergeBase, pullRequestBase, resolveRef } from './git-graph.js';
import {
  installationToken,
  integration,
  restCheckRun,
  restCommit,
  restDiffEntry,
  restIssue,
  restIssueComment,
  restPullRequestSimple,
  restStatus,
  type RestUrls,
} from './rest-shapes.js';

/** The REST routes the app may call, with GitHub's validation of request bodies (documented fields only: `.strict()`). */

export interface RouteContext {
  data: GitHubData;
  urls: RestUrls;
  params: string[];
  query: Record<string, string>;
  body: unknown;
  /** The app whose installation token authenticated the request. */
  app: SimApp;
  issueToken(installationId: number): { token: string; expiresAt: string };
  /** The OAuth client, and the codes and user tokens issued (oauth-routes.ts). */
  oauth: OAuthState;
  /** The user a `user` route's token belongs to. */
  userLogin: string | null;
  /** The installation a `token` route's installation token belongs to. */
  installationId: number | null;
}

export interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Set when the request is one the app should never make (invalid body, unknown resource). */
  unexpected?: string;
}

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH';
  pattern: RegExp;
  /** `jwt`: the app's JWT; `token`: an installation token; `user`: a user token from the OAuth flow; `none`: OAuth endpoints. */
  auth: 'jwt' | 'token' | 'user' | 'none';
  handle(ctx: RouteContext): RouteAnswer;
}

/** The documented fields of "Update a pull request" (https://docs.github.com/rest/pulls/pulls#update-a-pull-request). */
const UpdatePullRequest = z
  .object({
    title: z.string().optional(),
    body: z.string().max(65536).nullable().optional(),
    state: z.enum(['open', 'closed']).optional(),
    base: z.string().optional(),
    maintainer_can_modify: z.boolean().optional(),
  })
  .strict();

const CheckRunOutput = z
  .object({
    title: z.string().max(1000),
    summary: z.string().max(65535),
    text: z.string().max(65535).optional(),
    annotations: z.array(z.unknown()).max(50).optional(),
    images: z.array(z.unknown()).optional(),
  })
  .strict();

const CheckRunFields = {
  details_url: z.string().optional(),
  external_id: z.string().optional(),
  status: z.enum(['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending']).optional(),
  started_at: z.iso.datetime().optional(),
  conclusion: z.enum(['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out']).optional(),
  completed_at: z.iso.datetime().optional(),
  output: CheckRunOutput.optional(),
  actions: z.array(z.unknown()).max(3).optional(),
};
const CreateCheckRun = z.object({ name: z.string().min(1), head_sha: z.string().regex(/^[0-9a-f]{40}$/), ...CheckRunFields }).strict();
const UpdateCheckRun = z.object({ name: z.string().min(1).optional(), ...CheckRunFields }).strict();

const CommentBody = z.object({ body: z.string().min(1).max(65536) }).strict();

const CreateIssue = z
  .object({
    title: z.string().min(1).max(256),
    body: z.string().max(65536).optional(),
    labels: z.array(z.string()).optional(),
    assignees: z.array(z.string()).optional(),
  })
  .strict();

const CreateStatus = z
  .object({
    state: z.enum(['error', 'failure', 'pending', 'success']),
    target_url: z.string().nullable().optional(),
    // GitHub refuses longer descriptions with 422 "description is too long (maximum is 140 characters)".
    description: z.string().max(140).nullable().optional(),
    context: z.string().optional(),
  })
  .strict();

export function validationFailed(error: z.ZodError | string): RouteAnswer {
  const message = typeof error === 'string' ? error : z.prettifyError(error);
  return {
    status: 422,
    body: { message: 'Validation Failed', errors: [message], documentation_url: 'https://docs.github.com/rest' },
    unexpected: `invalid request body: ${message}`,
  };
}

export const notFound = (what: string): RouteAnswer => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
  unexpected: `${what} not found`,
});

/** GitHub's page-based pagination: `per_page` (max 100) and `page`, with a `Link` header to the next page. */
export function paginate<T>(
  ctx: RouteContext,
  path: string,
  items: T[],
  limit = Number.POSITIVE_INFINITY,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30)));
  const page = Math.max(1, Number(ctx.query.page ?? 1));
  const listed = items.slice(0, limit);
  const last = Math.max(1, Math.ceil(listed.length / perPage));
  // GitHub's links keep the request's other parameters (a `ref`, an `environment` filter): the next page lists the same thing.
  const kept = Object.entries(ctx.query)
    .filter(([key]) => key !== 'per_page' && key !== 'page')
    .map(([key, value]) => `&${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('');
  const link = (n: number, rel: string) => `<${ctx.urls.api}${path}?per_page=${perPage}&page=${n}${kept}>; rel="${rel}"`;
  const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
  return { page: listed.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

/** Issues and pull requests share numbers and the issue comment routes. */
export function hasIssue(repo: SimRepository, number: number): boolean {
  return repo.pulls.has(number) || repo.issues.some((i) => i.number === number);
}

export function repoOf(ctx: RouteContext) {
  const [owner = '', name = ''] = ctx.params;
  return ctx.data.repos.get(`${owner}/${name}`.toLowerCase());
}

/** Applies check run fields as GitHub does: a conclusion completes the run; completing needs a conclusion. */
function applyCheckRunFields(run: SimCheckRun, body: z.infer<typeof UpdateCheckRun>, now: string): string | null {
  const status = body.conclusion !== undefined ? 'completed' : (body.status ?? run.status);
  if (status === 'completed' && (body.conclusion ?? run.conclusion) === null) return 'conclusion is required when status is completed';
  if (body.conclusion === 'stale') return 'only GitHub may set the conclusion stale';
  run.name = body.name ?? run.name;
  run.status = status;
  run.conclusion = status === 'completed' ? (body.conclusion ?? run.conclusion) : null;
  run.startedAt = body.started_at ?? run.startedAt ?? now;
  run.completedAt = status === 'completed' ? (body.completed_at ?? run.completedAt ?? now) : null;
  run.detailsUrl = body.details_url ?? run.detailsUrl;
  run.externalId = body.external_id ?? run.externalId;
  if (body.output) run.output = { title: body.output.title, summary: body.output.summary, text: body.output.text ?? null };
  return null;
}

export const REST_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v3\/app$/,
    auth: 'jwt',
    handle(ctx) {
      const app: components['schemas']['integration'] = integration(ctx.data, ctx.urls, ctx.app, ctx.app.owner);
      return { status: 200, body: app };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v3\/app\/installations\/(\d+)\/access_tokens$/,
    auth: 'jwt',
    handle(ctx) {
      const installationId = Number(ctx.params[0]);
      const known = [...ctx.data.repos.values()].some((r) => r.installationId === installationId);
      if (!known) return notFound(`installation ${installationId}`);
      const { token, expiresAt } = ctx.issueToken(installationId);
      return { status: 201, body: installationToken(token, expiresAt) };
    },
  },
  {
    // The app's installation on a repository (the dry run finds its token this way, `change-control evaluate`).
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/installation$/,
    auth: 'jwt',
    handle(ctx) {
      const repo = repoOf(ctx);
      // GitHub's documented answer for a repository the app is not installed on: expected, not a simulator gap.
      if (!repo) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/apps/apps' } };
      return { status: 200, body: restInstallation(ctx.data, ctx.urls, ctx.app, { id: repo.installationId, org: repo.owner }) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/check-runs$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const body = CreateCheckRun.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      if (!repo.commits.has(body.data.head_sha)) return validationFailed(`No commit found for SHA: ${body.data.head_sha}`);
      const run: SimCheckRun = {
        id: nextId(ctx.data),
        headSha: body.data.head_sha,
        name: body.data.name,
        status: 'queued',
        conclusion: null,
        startedAt: null,
        completedAt: null,
        detailsUrl: null,
        externalId: null,
        output: { title: null, summary: null, text: null },
        appId: ctx.app.id,
        checkSuiteId: nextId(ctx.data),
      };
      const problem = applyCheckRunFields(run, body.data, tick(ctx.data));
      if (problem) return validationFailed(problem);
      repo.checkRuns.push(run);
      return { status: 201, body: restCheckRun(ctx.data, ctx.urls, repo, run) };
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const run = repo?.checkRuns.find((r) => r.id === Number(ctx.params[2]));
      if (!repo || !run) return notFound(`check run ${ctx.params[2]}`);
      if (run.appId !== ctx.app.id) {
        return { status: 403, body: { message: 'Invalid app_id' }, unexpected: `check run ${run.id} belongs to app ${run.appId}` };
      }
      const body = UpdateCheckRun.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      const problem = applyCheckRunFields(run, body.data, tick(ctx.data));
      if (problem) return validationFailed(problem);
      return { status: 200, body: restCheckRun(ctx.data, ctx.urls, repo, run) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const body = CreateStatus.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      const sha = ctx.params[2]!;
      if (!repo.commits.has(sha)) return validationFailed(`No commit found for SHA: ${sha}`);
      const status = {
        id: nextId(ctx.data),
        sha,
        context: body.data.context ?? 'default',
        state: body.data.state,
        description: body.data.description ?? null,
        targetUrl: body.data.target_url ?? null,
        creator: { login: ctx.app.slug, type: 'Bot' as const },
        createdAt: tick(ctx.data),
      };
      repo.statuses.push(status);
      return { status: 201, body: restStatus(ctx.data, ctx.urls, repo, status) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const number = Number(ctx.params[2]);
      if (!repo || !hasIssue(repo, number)) return notFound(`issue ${ctx.params.join('/')}`);
      const body = CommentBody.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      const at = tick(ctx.data);
      const comment = {
        id: nextId(ctx.data),
        issueNumber: number,
        body: body.data.body,
        author: { login: ctx.app.slug, type: 'Bot' as const },
        createdAt: at,
        updatedAt: at,
      };
      repo.comments.push(comment);
      return { status: 201, body: restIssueComment(ctx.data, ctx.urls, repo, comment) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const body = CreateIssue.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      const at = tick(ctx.data);
      const issue: SimIssue = {
        id: nextId(ctx.data),
        number: nextNumber(repo),
        title: body.data.title,
        body: body.data.body ?? '',
        author: { login: ctx.app.slug, type: 'Bot' as const },
        state: 'open',
        stateReason: null,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
      };
      repo.issues.push(issue);
      return { status: 201, body: restIssue(ctx.data, ctx.urls, repo, issue) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const comment = repo?.comments.find((c) => c.id === Number(ctx.params[2]));
      // A deleted comment is a normal 404 (someone removed it), not an unexpected request.
      if (!repo || !comment) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
      return { status: 200, body: restIssueComment(ctx.data, ctx.urls, repo, comment) };
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const comment = repo?.comments.find((c) => c.id === Number(ctx.params[2]));
      // A deleted comment is a normal 404 (someone removed it), not an unexpected request.
      if (!repo || !comment) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
      if (comment.author.type !== 'Bot' || comment.author.login !== ctx.app.slug) {
        return {
          status: 403,
          body: { message: 'Resource not accessible by integration' },
          unexpected: `comment ${comment.id} is not the app's`,
        };
      }
      const body = CommentBody.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      Object.assign(comment, { body: body.data.body, updatedAt: tick(ctx.data) });
      return { status: 200, body: restIssueComment(ctx.data, ctx.urls, repo, comment) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const number = Number(ctx.params[2]);
      if (!repo || !hasIssue(repo, number)) return notFound(`issue ${ctx.params.join('/')}`);
      return {
        status: 200,
        body: repo.comments.filter((c) => c.issueNumber === number).map((c) => restIssueComment(ctx.data, ctx.urls, repo, c)),
      };
    },
  },
  {
    // Every status on a commit, newest first (GitHub: "List commit statuses for a reference"), paged.
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})\/statuses$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const sha = ctx.params[2]!;
      const statuses = repo.statuses.filter((s) => s.sha === sha).reverse();
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/commits/${sha}/statuses`, statuses);
      return { status: 200, body: page.map((s) => restStatus(ctx.data, ctx.urls, repo, s)), headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const pr = repo?.pulls.get(Number(ctx.params[2]));
      if (!repo || !pr) return notFound(`pull request ${ctx.params.join('/')}`);
      const head = headOid(pr);
      const base = pullRequestBase(repo, pr, head);
      const before = base === null ? new Map<string, string>() : repo.commits.get(base)!.tree;
      const diffs = diffTrees(before, repo.commits.get(head)!.tree);
      // GitHub lists at most 3,000 files of a PR.
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/pulls/${pr.number}/files`, diffs, 3000);
      return { status: 200, body: page.map((d) => restDiffEntry(ctx.urls, repo, head, d)), headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)\.\.\.(.+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.slice(0, 2).join('/')}`);
      const [base, head] = [resolveRef(repo, ctx.params[2]!), resolveRef(repo, ctx.params[3]!)];
      if (base === null || head === null) return notFound(`comparison ${ctx.params[2]}...${ctx.params[3]}`);
      const fork = mergeBase(repo, base, head);
      if (fork === null) return { status: 404, body: { message: 'Not Found' }, unexpected: `no common ancestor of ${base} and ${head}` };
      const baseSide = new Set(ancestors(repo, base));
      const headSide = new Set(ancestors(repo, head));
      const aheadBy = [...headSide].filter((oid) => !baseSide.has(oid));
      const behindBy = [...baseSide].filter((oid) => !headSide.has(oid));
      const status = aheadBy.length === 0 ? (behindBy.length === 0 ? 'identical' : 'behind') : behindBy.length === 0 ? 'ahead' : 'diverged';
      const commit = (oid: string) => restCommit(ctx.data, ctx.urls, repo, repo.commits.get(oid)!);
      // Three-dot comparison: what the head changed since the fork point. GitHub lists at most 300 files.
      const files = diffTrees(repo.commits.get(fork)!.tree, repo.commits.get(head)!.tree).slice(0, 300);
      // Unpaged, GitHub lists the first 250 commits, oldest first; with per_page or page it pages them (up to 100 a
      // page, with a Link header) and lists the files on the first page only.
      const oldestFirst = aheadBy.reverse();
      const paged = ctx.query.per_page !== undefined || ctx.query.page !== undefined;
      const { page, headers } = paged
        ? paginate(ctx, `/repos/${repo.owner}/${repo.name}/compare/${ctx.params[2]}...${ctx.params[3]}`, oldestFirst)
        : { page: oldestFirst.slice(0, 250), headers: {} };
      const firstPage = !paged || Number(ctx.query.page ?? 1) <= 1;
      const api = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}`;
      const html = `${ctx.urls.web}/${repo.owner}/${repo.name}/compare/${base}...${head}`;
      const body: components['schemas']['commit-comparison'] = {
        url: `${api}/compare/${base}...${head}`,
        html_url: html,
        permalink_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        base_commit: commit(base),
        merge_base_commit: commit(fork),
        status,
        ahead_by: aheadBy.length,
        behind_by: behindBy.length,
        total_commits: aheadBy.length,
        commits: page.map(commit),
        files: firstPage ? files.map((d) => restDiffEntry(ctx.urls, repo, head, d)) : [],
      };
      return { status: 200, body, headers };
    },
  },
  {
    // `PATCH /repos/{owner}/{repo}/pulls/{pull_number}`: the app writes only the description (its ticket line).
    method: 'PATCH',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const pr = repo?.pulls.get(Number(ctx.params[2]));
      if (!repo || !pr) return notFound(`pull request ${ctx.params.join('/')}`);
      const body = UpdatePullRequest.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      if (body.data.body !== undefined) Object.assign(pr, { body: body.data.body ?? '', updatedAt: tick(ctx.data) });
      return { status: 200, body: restPullRequestSimple(ctx.data, ctx.urls, repo, pr) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const state = ctx.query.state ?? 'open';
      const base = ctx.query.base ?? null;
      // GitHub's `state=open` is GraphQL's OPEN; `closed` holds closed and merged PRs; newest first by default.
      const listed = [...repo.pulls.values()]
        .filter((pr) => state === 'all' || (state === 'open') === (pr.state === 'OPEN'))
        .filter((pr) => base === null || pr.baseRef === base)
        .sort((a, b) => b.number - a.number);
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/pulls`, listed);
      return { status: 200, body: page.map((pr) => restPullRequestSimple(ctx.data, ctx.urls, repo, pr)), headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})\/pulls$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const sha = ctx.params[2]!;
      if (!repo.commits.has(sha))
        return { status: 422, body: { message: `No commit found for SHA: ${sha}` }, unexpected: `unknown commit ${sha}` };
      // Off the default branch, GitHub lists the open and merged PRs that contain the commit.
      const pulls = [...repo.pulls.values()].filter((pr) => pr.commits.includes(sha) && pr.state !== 'CLOSED');
      pulls.sort((a, b) => (headOid(a) === sha ? -1 : 0) - (headOid(b) === sha ? -1 : 0));
      return { status: 200, body: pulls.map((pr) => restPullRequestSimple(ctx.data, ctx.urls, repo, pr)) };
    },
  },
];
