import { resolveRef } from './git-graph.js';
import { notFound, paginate, repoOf, type RestRoute, type RouteAnswer } from './rest-routes.js';
import { restCommit } from './rest-shapes.js';
import type { FeatureState } from './security-model.js';
import { restAlert, restAnalysis, restDependencyChange } from './security-shapes.js';

/**
 * Code scanning (analyses, alerts) and dependency review, with GitHub's answers when a feature is off (403 and its
 * message), when the app lacks the permission (403 "Resource not accessible by integration") and when code scanning
 * has analysed nothing on a ref (404 "no analysis found"). These are ordinary answers, not unexpected requests.
 */

const DOCS = 'https://docs.github.com/rest';

function refused(state: FeatureState, disabledMessage: string): RouteAnswer | null {
  if (state === 'enabled') return null;
  const message = state === 'disabled' ? disabledMessage : 'Resource not accessible by integration';
  return { status: 403, body: { message, documentation_url: DOCS } };
}

const noAnalysis: RouteAnswer = { status: 404, body: { message: 'no analysis found', documentation_url: DOCS } };

/** `main` and `refs/heads/main` name the same ref, as GitHub reads the `ref` parameter. */
const fullRef = (ref: string): string => (ref.startsWith('refs/') ? ref : `refs/heads/${ref}`);

export const SECURITY_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/code-scanning\/analyses$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const off = refused(repo.security.codeScanning, 'Code Security must be enabled for this repository to use code scanning.');
      if (off) return off;
      const ref = ctx.query.ref === undefined ? null : fullRef(ctx.query.ref);
      const listed = repo.security.analyses.filter((a) => ref === null || a.ref === ref);
      if (listed.length === 0) return noAnalysis;
      const newestFirst = ctx.query.direction === 'asc' ? listed : [...listed].reverse();
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/code-scanning/analyses`, newestFirst);
      return { status: 200, body: page.map((a) => restAnalysis(ctx.urls, repo, a)), headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/code-scanning\/alerts$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const off = refused(repo.security.codeScanning, 'Code Security must be enabled for this repository to use code scanning.');
      if (off) return off;
      // Without `ref`, GitHub lists the default branch's alerts.
      const ref = fullRef(ctx.query.ref ?? repo.defaultBranch);
      if (!repo.security.analyses.some((a) => a.ref === ref)) return noAnalysis;
      const listed = repo.security.alerts
        .filter((a) => a.instances.has(ref))
        .map((a) => restAlert(ctx.data, ctx.urls, repo, a, ref))
        .filter((a) => ctx.query.state === undefined || a.state === ctx.query.state)
        .reverse();
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/code-scanning/alerts`, listed);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const commit = repo?.commits.get(ctx.params[2]!);
      if (!repo || !commit) {
        return {
          status: 422,
          body: { message: `No commit found for SHA: ${ctx.params[2]}` },
          unexpected: `unknown commit ${ctx.params[2]}`,
        };
      }
      return { status: 200, body: restCommit(ctx.data, ctx.urls, repo, commit) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/dependency-graph\/compare\/(.+)\.\.\.(.+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.slice(0, 2).join('/')}`);
      const off = refused(
        repo.security.dependencyGraph,
        `Dependency review is not supported on this repository. Please ensure that Dependency graph is enabled, see ${ctx.urls.web}/${repo.owner}/${repo.name}/settings/security_analysis`,
      );
      if (off) return off;
      const [base, head] = [resolveRef(repo, decodeURIComponent(ctx.params[2]!)), resolveRef(repo, decodeURIComponent(ctx.params[3]!))];
      if (base === null || head === null) return notFound(`comparison ${ctx.params[2]}...${ctx.params[3]}`);
      const changes = repo.security.dependencyChanges.get(head) ?? [];
      const { page, headers } = paginate(
        ctx,
        `/repos/${repo.owner}/${repo.name}/dependency-graph/compare/${ctx.params[2]}...${ctx.params[3]}`,
        changes,
      );
      const warning = repo.security.snapshotWarnings.get(head);
      const warned: Record<string, string> = warning
        ? { 'x-github-dependency-graph-snapshot-warnings': Buffer.from(warning).toString('base64') }
        : {};
      return { status: 200, body: page.map(restDependencyChange), headers: { ...headers, ...warned } };
    },
  },
];
