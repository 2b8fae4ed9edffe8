import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExportFormat } from '../../report/build-export.js';
import { RecordShapeError } from '../../report/export-row.js';
import { apiV1 } from './api-v1-routes.js';
import { DASHBOARD_CSS } from './dashboard-css.js';
import type { DashboardDeps, RequestContext } from './dashboard-context.js';
import { authenticate } from './dashboard-session.js';
import { changePage, changesPage, exportDownload, posturePage } from './page-routes.js';
import { renderMessagePage } from './render-layout.js';
import { html, json, redirect, send, type Reply } from './respond.js';
import { finishSignIn, signOut, startSignIn } from './sign-in-routes.js';
import { accessPage } from './access-page.js';

const CHANGE_PATH = /^\/dashboard\/changes\/([^/]+)\/([^/]+)\/([1-9]\d*)$/;
const EXPORT_PATH = /^\/dashboard\/(export|exceptions)\.(csv|jsonl|html)$/;

const isDashboardPath = (path: string): boolean => path === '/dashboard' || path.startsWith('/dashboard/');
const isApiPath = (path: string): boolean => path === '/api/v1' || path.startsWith('/api/v1/');

const notEnabled = (): Reply =>
  html(
    404,
    renderMessagePage({
      title: 'The dashboard is not enabled',
      message: 'Set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, SESSION_SECRET and DASHBOARD_TEAMS to turn it on (see docs/dashboard.md).',
    }),
  );

/** The signed-in pages; null when the path is none of them. */
async function signedInPage(ctx: RequestContext, login: string, path: string): Promise<Reply | null> {
  if (path === '/dashboard') return posturePage(ctx, login);
  if (path === '/dashboard/changes') return changesPage(ctx, login);
  if (path === '/dashboard/access') return accessPage(ctx, login);
  const change = CHANGE_PATH.exec(path);
  if (change)
    return changePage(ctx, login, {
      repo: `${decodeURIComponent(change[1] ?? '')}/${decodeURIComponent(change[2] ?? '')}`,
      prNumber: Number(change[3]),
    });
  const download = EXPORT_PATH.exec(path);
  if (download) return exportDownload(ctx, login, { exceptions: download[1] === 'exceptions', format: download[2] as ExportFormat });
  return null;
}

async function dashboard(ctx: RequestContext, path: string): Promise<Reply> {
  const pages = ctx.deps.settings?.pages;
  if (!pages) return notEnabled();
  const method = ctx.req.method ?? 'GET';
  if (path === '/dashboard/logout')
    return method === 'POST'
      ? signOut(ctx)
      : html(405, renderMessagePage({ title: 'Method not allowed', message: 'Sign out with the button on the page.' }), { allow: 'POST' });
  // Read-only: nothing but the sign-out changes state, and no GET does.
  if (method !== 'GET' && method !== 'HEAD')
    return html(405, renderMessagePage({ title: 'Method not allowed', message: 'The dashboard is read-only.' }), { allow: 'GET, HEAD' });
  if (path === '/dashboard/login') return startSignIn(ctx, pages);
  if (path === '/dashboard/callback') return finishSignIn(ctx, pages);
  const session = await authenticate(ctx);
  if (session === null) return redirect(`/dashboard/login?returnTo=${encodeURIComponent(`${path}${ctx.url.search}`)}`);
  if ('refused' in session) return session.refused;
  const reply =
    (await signedInPage(ctx, session.login, path)) ??
    html(404, renderMessagePage({ title: 'Not found', message: `There is no dashboard page at ${path}.`, login: session.login }));
  return session.setCookie.length > 0 ? { ...reply, headers: { ...reply.headers, 'set-cookie': session.setCookie } } : reply;
}

function failure(path: string, error: unknown): Reply {
  // An entry that is not the record its kind promises: say which, rather than show a population with a hole in it.
  const message = error instanceof RecordShapeError ? error.message : 'The audit store could not be read. The error is in the app log.';
  if (isApiPath(path)) return json(500, { error: message });
  return html(500, renderMessagePage({ title: 'Cannot show this page', message }));
}

/**
 * The compliance dashboard (`/dashboard/…`) and its JSON API (`/api/v1/…`), as one Probot HTTP handler
 * (`options.addHandler`). Returns false for any other path.
 */
export function dashboardHandler(deps: DashboardDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    // `/dashboard/` and `/dashboard/changes/` are the pages without the slash.
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    if (!isDashboardPath(path) && !isApiPath(path)) return false;
    if (path === '/dashboard/assets/dashboard.css') {
      send(res, req.method, { status: 200, contentType: 'text/css; charset=utf-8', body: DASHBOARD_CSS, cache: 'public' });
      return true;
    }
    const ctx: RequestContext = { req, url, deps };
    let reply: Reply;
    try {
      reply = isApiPath(path) ? await apiV1(ctx) : await dashboard(ctx, path);
    } catch (error) {
      deps.log.error({ err: error, path }, 'dashboard: request failed');
      reply = failure(path, error);
    }
    send(res, req.method, reply);
    return true;
  };
}
