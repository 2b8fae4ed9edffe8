import type { components } from '@octokit/openapi-types';
import { notFound, repoOf, type RestRoute } from './rest-routes.js';
import { restCheckRun, restCommit, restLogin, restPullRequestSimple, restStatus, simpleUser } from './rest-shapes.js';

type Schemas = components['schemas'];

/**
 * REST reads the app itself never makes (it reads one GraphQL query): one call per fact, as a naive app does.
 * Used by the benchmark's naive strategy (bench/naive-app.ts) to compare request counts; shapes are GitHub's.
 */
export const READ_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const pr = repo?.pulls.get(Number(ctx.params[2]));
      if (!repo || !pr) return notFound(`pull request ${ctx.params.join('/')}`);
      return { status: 200, body: restPullRequestSimple(ctx.data, ctx.urls, repo, pr) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/commits$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const pr = repo?.pulls.get(Number(ctx.params[2]));
      if (!repo || !pr) return notFound(`pull request ${ctx.params.join('/')}`);
      return { status: 200, body: pr.commits.map((oid) => restCommit(ctx.data, ctx.urls, repo, repo.commits.get(oid)!)) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const pr = repo?.pulls.get(Number(ctx.params[2]));
      if (!repo || !pr) return notFound(`pull request ${ctx.params.join('/')}`);
      const html = `${ctx.urls.web}/${repo.owner}/${repo.name}/pull/${pr.number}`;
      const reviews: Schemas['pull-request-review'][] = pr.reviews.map((r) => ({
        id: r.id,
        node_id: Buffer.from(`017:PullRequestReview${r.id}`).toString('base64'),
        user: simpleUser(ctx.data, ctx.urls, restLogin(r.author), r.author.type),
        body: '',
        state: r.state,
        html_url: `${html}#pullrequestreview-${r.id}`,
        pull_request_url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pr.number}`,
        _links: { html: { href: html }, pull_request: { href: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/pulls/${pr.number}` } },
        submitted_at: r.submittedAt,
        commit_id: r.commitOid,
        author_association: r.authorCanPush ? 'COLLABORATOR' : 'NONE',
      }));
      return { status: 200, body: reviews };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})\/check-runs$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const runs = repo.checkRuns.filter((r) => r.headSha === ctx.params[2]).map((r) => restCheckRun(ctx.data, ctx.urls, repo, r));
      return { status: 200, body: { total_count: runs.length, check_runs: runs } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})\/status$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const sha = ctx.params[2]!;
      // The latest status per context, newest first, as GitHub's combined status lists them.
      const latest = new Map(repo.statuses.filter((s) => s.sha === sha).map((s) => [s.context, s]));
      const statuses = [...latest.values()].reverse().map((s) => restStatus(ctx.data, ctx.urls, repo, s));
      const states = statuses.map((s) => s.state);
      const state = states.some((s) => s === 'failure' || s === 'error')
        ? 'failure'
        : states.length > 0 && states.every((s) => s === 'success')
          ? 'success'
          : 'pending';
      const combined: Pick<Schemas['combined-commit-status'], 'state' | 'sha' | 'total_count' | 'statuses' | 'commit_url' | 'url'> = {
        state,
        sha,
        total_count: statuses.length,
        statuses: statuses.map(({ id, node_id, url, avatar_url, state: s, description, target_url, context, created_at, updated_at }) => ({
          id,
          node_id,
          url,
          avatar_url,
          state: s,
          description,
          target_url,
          context,
          created_at,
          updated_at,
        })),
        commit_url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
        url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/commits/${sha}/status`,
      };
      return { status: 200, body: combined };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const path = decodeURIComponent(ctx.params[2]!);
      const ref = ctx.query.ref ?? repo.defaultBranch;
      const oid = repo.branches.get(ref) ?? ref;
      const text = repo.commits.get(oid)?.tree.get(path);
      // A missing policy file is an ordinary 404 for this route, not a request the app should never make.
      if (text === undefined) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
      const url = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/contents/${path}`;
      const file: Pick<Schemas['content-file'], 'type' | 'encoding' | 'size' | 'name' | 'path' | 'content' | 'sha' | 'url'> = {
        type: 'file',
        encoding: 'base64',
        size: Buffer.byteLength(text),
        name: path.split('/').at(-1) ?? path,
        path,
        content: Buffer.from(text).toString('base64'),
        sha: oid,
        url,
      };
      return { status: 200, body: file };
    },
  },
];
