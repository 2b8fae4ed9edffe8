import { z } from 'zod';
import { restDeployment, restDeploymentStatus } from './deployment-shapes.js';
import { tick } from './model.js';
import { notFound, paginate, repoOf, validationFailed, type RestRoute } from './rest-routes.js';

/** Deployments, their statuses, and the app's answer as a custom deployment protection rule. */

// GitHub's body is one of two shapes: a state with an optional comment, or a comment alone (which settles nothing).
const ReviewCustomGate = z.union([
  z
    .object({ environment_name: z.string().min(1), state: z.enum(['approved', 'rejected']), comment: z.string().max(65535).optional() })
    .strict(),
  z.object({ environment_name: z.string().min(1), comment: z.string().min(1).max(65535) }).strict(),
]);

export const DEPLOYMENT_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/deployments$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.join('/')}`);
      // Newest first; `environment`, `sha`, `ref` and `task` filter (environment names ignore case, as GitHub's do).
      const { environment, sha, ref, task } = ctx.query;
      const listed = [...repo.deployments]
        .reverse()
        .filter(
          (d) =>
            (environment === undefined || d.environment.toLowerCase() === environment.toLowerCase()) &&
            (sha === undefined || d.sha === sha) &&
            (ref === undefined || d.ref === ref) &&
            (task === undefined || d.task === task),
        );
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/deployments`, listed);
      return { status: 200, body: page.map((d) => restDeployment(ctx.data, ctx.urls, repo, d)), headers };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const deployment = repo?.deployments.find((d) => d.id === Number(ctx.params[2]));
      if (!repo || !deployment) return notFound(`deployment ${ctx.params.join('/')}`);
      const newestFirst = [...deployment.statuses].reverse();
      const { page, headers } = paginate(ctx, `/repos/${repo.owner}/${repo.name}/deployments/${deployment.id}/statuses`, newestFirst);
      return { status: 200, body: page.map((s) => restDeploymentStatus(ctx.data, ctx.urls, repo, deployment, s)), headers };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.slice(0, 2).join('/')}`);
      const body = ReviewCustomGate.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      const runId = Number(ctx.params[2]);
      const gate = repo.deploymentGates.find(
        (g) => g.runId === runId && g.environment.toLowerCase() === body.data.environment_name.toLowerCase(),
      );
      if (!gate) return notFound(`a run ${runId} waiting on ${body.data.environment_name}`);
      // A settled gate answers 422, as GitHub does for a run no longer waiting on the rule (a normal outcome, not
      // an unexpected request). GitHub's message text is not documented; this one only says what happened.
      if (gate.reviews.some((r) => r.state !== null)) {
        return {
          status: 422,
          body: {
            message: `No pending deployment protection rule for ${gate.environment} on run ${runId}`,
            documentation_url: 'https://docs.github.com/rest',
          },
        };
      }
      gate.reviews.push({ state: 'state' in body.data ? body.data.state : null, comment: body.data.comment ?? null, at: tick(ctx.data) });
      return { status: 204, body: undefined };
    },
  },
];
