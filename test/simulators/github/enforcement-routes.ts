import { effectiveAccess, rulesetApplies } from './enforcement-state.js';
import {
  restBranchRule,
  restCollaborator,
  restInstallation,
  restProtection,
  restRuleset,
  restShortBranch,
  restTeam,
} from './enforcement-shapes.js';
import { nextId } from './model.js';
import { notFound, paginate, repoOf, type RestRoute, type RouteContext } from './rest-routes.js';
import { restRepository } from './rest-shapes.js';

/** What GitHub enforces on a branch (rulesets, classic protection) and who has access (collaborators, teams); installations. */

const forbidden = (what: string) => ({
  status: 403,
  body: { message: 'Resource not accessible by integration', documentation_url: `https://docs.github.com/rest (${what})` },
});

function teamsOf(ctx: RouteContext, owner: string) {
  for (const team of ctx.data.teams) team.id ??= nextId(ctx.data);
  return ctx.data.teams.filter((t) => t.org.toLowerCase() === owner.toLowerCase()) as Array<
    (typeof ctx.data.teams)[number] & { id: number }
  >;
}

export const ENFORCEMENT_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/rules\/branches\/(.+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.slice(0, 2).join('/')}`);
      const branch = decodeURIComponent(ctx.params[2] ?? '');
      // Active rulesets only ("evaluate" and "disabled" are not returned); the branch need not exist.
      const rules = repo.rulesets
        .filter((r) => r.enforcement === 'active' && r.requiredChecks.length > 0 && rulesetApplies(repo, r, branch))
        .map(restBranchRule);
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/rules/branches/${branch}`, rules);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/rulesets\/(\d+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const ruleset = repo?.rulesets.find((r) => r.id === Number(ctx.params[2]));
      if (!repo || !ruleset) return notFound(`ruleset ${ctx.params.join('/')}`);
      return { status: 200, body: restRuleset(ctx.urls, repo, ruleset, ctx.data.administration !== null) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/branches\/(.+)\/protection$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.slice(0, 2).join('/')}`);
      if (ctx.data.administration === null) return forbidden('branch protection needs Administration: read');
      const branch = decodeURIComponent(ctx.params[2] ?? '');
      const protection = repo.protection.get(branch);
      // GitHub's answer for an unprotected branch: 404 "Branch not protected" (an ordinary answer the app expects).
      if (!protection)
        return {
          status: 404,
          body: { message: 'Branch not protected', documentation_url: 'https://docs.github.com/rest/branches/branch-protection' },
        };
      return { status: 200, body: restProtection(ctx.urls, repo, branch, protection) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/branches$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const branches = [...repo.branches]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, sha]) => restShortBranch(ctx.urls, repo, name, sha));
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/branches`, branches);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/collaborators$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const affiliation = ctx.query.affiliation ?? 'all';
      if (!['all', 'direct', 'outside'].includes(affiliation))
        return {
          status: 422,
          body: { message: `affiliation ${affiliation} is not one of outside, direct, all` },
          unexpected: 'bad affiliation',
        };
      // Direct grants are `setCollaborator`'s; `all` adds the members of the repository's teams (the highest role wins).
      const access = affiliation === 'all' ? effectiveAccess(ctx.data, repo) : new Map(repo.collaborators);
      const listed = [...access]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([login, role]) => restCollaborator(ctx.data, ctx.urls, login, role));
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/collaborators`, listed);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/teams$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      const teams = teamsOf(ctx, repo.owner)
        .filter((t) => repo.teamAccess.has(t.slug.toLowerCase()))
        .map((t) => restTeam(ctx.urls, t, repo.teamAccess.get(t.slug.toLowerCase()) ?? 'read'));
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/teams`, teams);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/app\/installations$/,
    auth: 'jwt',
    handle(ctx) {
      const installations = new Map<number, string>();
      for (const repo of ctx.data.repos.values())
        if (!installations.has(repo.installationId)) installations.set(repo.installationId, repo.owner);
      const listed = [...installations]
        .sort(([a], [b]) => a - b)
        .map(([id, account]) => restInstallation(ctx.data, ctx.urls, ctx.app, { id, account }));
      const { page, headers } = paginate(ctx, '/app/installations', listed);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/installation\/repositories$/,
    auth: 'token',
    handle(ctx) {
      const repos = [...ctx.data.repos.values()]
        .filter((r) => r.installationId === ctx.installationId)
        .map((r) => restRepository(ctx.data, ctx.urls, r));
      const { page, headers } = paginate(ctx, '/installation/repositories', repos);
      return { status: 200, body: { total_count: repos.length, repository_selection: 'selected', repositories: page }, headers };
    },
  },
];
