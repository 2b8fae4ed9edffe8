import { readReconciled } from '../../report/read-reconciled.js';
import { EXCEPTION_COLUMNS } from '../../report/export-row.js';
import { parseChangeFilter, type ChangeFilter } from '../../report/change-filter.js';
import type { ChangeSummary } from '../../report/change-summary.js';
import { computePosture } from '../../report/compute-posture.js';
import { readDirectPushes } from '../../report/read-direct-pushes.js';
import { readChanges } from '../../report/read-changes.js';
import { readExportRows } from '../../report/read-export.js';
import { bearerToken, matchesApiToken } from './api-tokens.js';
import type { RequestContext } from './dashboard-context.js';
import { authenticate } from './dashboard-session.js';
import { readChangeEvidencePage } from './page-routes.js';
import { changePath } from './render-changes-page.js';
import { json, type Reply } from './respond.js';
import { SIMULATE_PATH, simulateRoute } from './simulate-route.js';
import { readPostureGaps } from '../../report/read-posture-gaps.js';

const CHANGE_PATH = /^\/api\/v1\/changes\/([^/]+)\/([^/]+)\/([1-9]\d*)$/;

const unauthorised = (message: string): Reply => json(401, { error: message }, { 'www-authenticate': 'Bearer realm="change-control"' });

/** A bearer token from DASHBOARD_API_TOKENS, else the dashboard's session cookie (so a signed-in browser can read it too). */
async function authorise(ctx: RequestContext): Promise<{ ok: true; setCookie: string[] } | { ok: false; reply: Reply }> {
  const token = bearerToken(ctx.req.headers.authorization);
  if (token !== null) {
    if (matchesApiToken(token, ctx.deps.settings?.apiTokenHashes ?? [])) return { ok: true, setCookie: [] };
    return { ok: false, reply: unauthorised('the bearer token is not one of DASHBOARD_API_TOKENS') };
  }
  const session = await authenticate(ctx);
  if (session === null)
    return { ok: false, reply: unauthorised('authentication required: Authorization: Bearer <token>, or sign in to the dashboard') };
  if ('refused' in session)
    return {
      ok: false,
      reply: json(session.refused.status, {
        error: 'access refused: not a member of the dashboard teams, or membership could not be checked',
      }),
    };
  return { ok: true, setCookie: session.setCookie };
}

function page<T>(filter: ChangeFilter, items: readonly T[]): { total: number; page: number; perPage: number; items: T[] } {
  return {
    total: items.length,
    page: filter.page,
    perPage: filter.perPage,
    items: items.slice((filter.page - 1) * filter.perPage, filter.page * filter.perPage),
  };
}

const withLink = (change: ChangeSummary) => ({ ...change, evidencePath: changePath(change) });

async function route(ctx: RequestContext, path: string): Promise<Reply> {
  const { store } = ctx.deps;
  const now = ctx.deps.now();
  const change = CHANGE_PATH.exec(path);
  if (change) {
    const ref = { repo: `${decodeURIComponent(change[1] ?? '')}/${decodeURIComponent(change[2] ?? '')}`, prNumber: Number(change[3]) };
    const evidence = await readChangeEvidencePage(ctx, ref);
    if (!evidence) return json(404, { error: `no audit entry for ${ref.repo}#${ref.prNumber}` });
    return json(200, {
      repo: ref.repo,
      prNumber: ref.prNumber,
      change: evidence.change,
      chain: {
        ...evidence.chain.result,
        upToSeq: evidence.chain.upToSeq,
        checked: evidence.chain.checked,
        fullCheckAt: evidence.chain.fullCheckAt,
      },
      entries: evidence.entries,
    });
  }
  if (!['/api/v1/changes', '/api/v1/exceptions', '/api/v1/posture'].includes(path))
    return json(404, { error: `no such API route: ${path}; see docs/dashboard.md` });
  const parsed = parseChangeFilter(ctx.url.searchParams, now);
  if (!parsed.ok) return json(400, { error: 'invalid filter', errors: parsed.errors });
  const { filter } = parsed;
  if (path === '/api/v1/posture') {
    const changes = await readChanges({ store, filter, now });
    const gaps = await readPostureGaps({ store: ctx.deps.store, filter });
    const directPushes = await readDirectPushes({ store: ctx.deps.store, filter });
    const reconciled = await readReconciled({ store: ctx.deps.store, filter });
    return json(200, { filter, ...computePosture({ changes, since: filter.since, until: filter.until, gaps, directPushes, reconciled }) });
  }
  if (path === '/api/v1/changes') {
    const { items, ...paging } = page(filter, await readChanges({ store, filter, now }));
    return json(200, { filter, ...paging, changes: items.map(withLink) });
  }
  const rows = await readExportRows({ store, filter, exceptions: true, now });
  const { items, ...paging } = page(filter, rows);
  // The exceptions export's columns, as `audit export --exceptions --format jsonl` writes them.
  const exceptions = items.map((row) => Object.fromEntries(EXCEPTION_COLUMNS.map((column) => [column, row[column] ?? null])));
  return json(200, { filter, ...paging, exceptions });
}

/**
 * `POST /api/v1/simulate`, the dry run: a bearer token from DASHBOARD_API_TOKENS only. The dashboard's session
 * cookie is not enough: a POST a browser sends by itself (another site's form) must not start GitHub reads.
 */
async function simulateApi(ctx: RequestContext): Promise<Reply> {
  if (ctx.req.method !== 'POST')
    return json(405, { error: 'POST a JSON body { "repository": "owner/name", "pull_request": N, "policy"?: "…" }' }, { allow: 'POST' });
  const { simulate, settings } = ctx.deps;
  if (!simulate || !settings || settings.apiTokenHashes.length === 0)
    return json(404, { error: 'the simulate API is not enabled: set DASHBOARD_API_TOKENS (docs/dashboard.md)' });
  const token = bearerToken(ctx.req.headers.authorization);
  if (token === null) return unauthorised('authentication required: Authorization: Bearer <token> (one of DASHBOARD_API_TOKENS)');
  if (!matchesApiToken(token, settings.apiTokenHashes)) return unauthorised('the bearer token is not one of DASHBOARD_API_TOKENS');
  return simulateRoute(ctx, simulate);
}

/** `/api/v1/…`: read-only JSON for GRC tools, with the dashboard's filters, and the dry run (docs/dashboard.md). */
export async function apiV1(ctx: RequestContext): Promise<Reply> {
  const path = ctx.url.pathname.replace(/\/+$/, '');
  if (path === SIMULATE_PATH) return simulateApi(ctx);
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD')
    return json(405, { error: 'the API is read-only: GET only' }, { allow: 'GET, HEAD' });
  const settings = ctx.deps.settings;
  if (!settings || (!settings.pages && settings.apiTokenHashes.length === 0)) {
    return json(404, {
      error: 'the dashboard API is not enabled: set DASHBOARD_API_TOKENS, or the dashboard settings (docs/dashboard.md)',
    });
  }
  const auth = await authorise(ctx);
  if (!auth.ok) return auth.reply;
  const reply = await route(ctx, path);
  return auth.setCookie.length > 0 ? { ...reply, headers: { ...reply.headers, 'set-cookie': auth.setCookie } } : reply;
}
