import { z } from 'zod';
import { tick } from './model.js';
import { notFound, repoOf, validationFailed, type RestRoute } from './rest-routes.js';
import { restCollaboratorPermission, restIssue } from './rest-shapes.js';

/** The routes of `/change-control` commands: closing a follow-up issue, and a commenter's access to the repository. */

const UpdateIssue = z
  .object({
    title: z.string().min(1).max(256).optional(),
    body: z.string().max(65536).optional(),
    state: z.enum(['open', 'closed']).optional(),
    state_reason: z.enum(['completed', 'not_planned', 'reopened']).nullable().optional(),
    labels: z.array(z.string()).optional(),
    assignees: z.array(z.string()).optional(),
  })
  .strict();

export const ISSUE_ROUTES: RestRoute[] = [
  {
    method: 'PATCH',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      const issue = repo?.issues.find((i) => i.number === Number(ctx.params[2]));
      if (!repo || !issue) return notFound(`issue ${ctx.params.join('/')}`);
      const body = UpdateIssue.safeParse(ctx.body);
      if (!body.success) return validationFailed(body.error);
      const at = tick(ctx.data);
      const closing = body.data.state === 'closed' && issue.state === 'open';
      Object.assign(issue, {
        ...(body.data.title === undefined ? {} : { title: body.data.title }),
        ...(body.data.body === undefined ? {} : { body: body.data.body }),
        ...(body.data.state === undefined ? {} : { state: body.data.state }),
        stateReason: body.data.state === 'open' ? 'reopened' : closing ? (body.data.state_reason ?? 'completed') : issue.stateReason,
        closedAt: body.data.state === 'open' ? null : closing ? at : issue.closedAt,
        updatedAt: at,
      });
      return { status: 200, body: restIssue(ctx.data, ctx.urls, repo, issue) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/,
    auth: 'token',
    handle(ctx) {
      const repo = repoOf(ctx);
      if (!repo) return notFound(`repository ${ctx.params.slice(0, 2).join('/')}`);
      const login = decodeURIComponent(ctx.params[2] ?? '');
      const role = repo.collaborators.get(login.toLowerCase()) ?? null;
      return { status: 200, body: restCollaboratorPermission(ctx.data, ctx.urls, login, role) };
    },
  },
];
