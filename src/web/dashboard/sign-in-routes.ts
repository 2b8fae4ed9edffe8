import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { baseUrl, isSecure, type RequestContext } from './dashboard-context.js';
import type { DashboardSettings, DashboardTeam } from './dashboard-env.js';
import { clearSessionCookie, sessionCookie, SESSION_TTL_MS } from './dashboard-session.js';
import { authorizeUrl, exchangeCode, readUserLogin, SignInError } from './github-oauth.js';
import { renderMessagePage } from './render-layout.js';
import { html, redirect, type Reply } from './respond.js';
import { cookieHeader, readCookies, signValue, verifyValue } from './signed-cookie.js';

const STATE_COOKIE = 'cc_oauth';
const STATE_PATH = '/dashboard/callback';
const STATE_TTL_MS = 10 * 60 * 1000;
const OAuthState = z.object({ state: z.string().min(1), returnTo: z.string(), exp: z.number() });

type Pages = NonNullable<DashboardSettings['pages']>;

/** Only a dashboard path of this app: never an absolute or protocol-relative URL (an open redirect). */
export function safeReturnTo(value: string | null): string {
  if (value === null || !/^\/dashboard(?:[/?]|$)/.test(value) || /\/\/|\\/.test(value)) return '/dashboard';
  return value;
}

const redirectUri = (ctx: RequestContext): string => `${baseUrl(ctx)}/dashboard/callback`;
const clearState = (ctx: RequestContext): string =>
  cookieHeader({ name: STATE_COOKIE, value: '', path: STATE_PATH, maxAgeSeconds: 0, secure: isSecure(ctx) });
const startAgain = { href: '/dashboard/login', text: 'Sign in with GitHub' };

/** `GET /dashboard/login`: to GitHub's authorize page, with a random `state` also kept in a short-lived signed cookie. */
export function startSignIn(ctx: RequestContext, pages: Pages): Reply {
  const state = randomBytes(24).toString('base64url');
  const exp = ctx.deps.now().getTime() + STATE_TTL_MS;
  const value = signValue({ state, returnTo: safeReturnTo(ctx.url.searchParams.get('returnTo')), exp }, pages.sessionSecret);
  const cookie = cookieHeader({ name: STATE_COOKIE, value, path: STATE_PATH, maxAgeSeconds: STATE_TTL_MS / 1000, secure: isSecure(ctx) });
  const location = authorizeUrl({ github: ctx.deps.settings!.github, clientId: pages.clientId, redirectUri: redirectUri(ctx), state });
  return redirect(location, { 'set-cookie': cookie });
}

function sameState(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `GET /dashboard/callback`: checks `state`, exchanges the code, reads the login and its team membership, then opens a session. */
export async function finishSignIn(ctx: RequestContext, pages: Pages): Promise<Reply> {
  const { deps, url } = ctx;
  const cookie = readCookies(ctx.req.headers.cookie).get(STATE_COOKIE);
  const saved = cookie === undefined ? null : verifyValue(cookie, { secret: pages.sessionSecret, schema: OAuthState, now: deps.now() });
  const state = url.searchParams.get('state');
  if (url.searchParams.get('error')) {
    return html(
      403,
      renderMessagePage({
        title: 'Sign-in cancelled',
        message: `GitHub did not sign you in: ${url.searchParams.get('error')}.`,
        action: startAgain,
      }),
      { 'set-cookie': clearState(ctx) },
    );
  }
  const code = url.searchParams.get('code');
  if (!saved || state === null || code === null || !sameState(saved.state, state)) {
    return html(
      400,
      renderMessagePage({
        title: 'Sign-in expired',
        message: 'This sign-in link is expired or was started in another browser. Start again.',
        action: startAgain,
      }),
      { 'set-cookie': clearState(ctx) },
    );
  }
  let login: string;
  let team: DashboardTeam | null;
  try {
    const token = await exchangeCode({
      fetch: deps.fetch,
      github: deps.settings!.github,
      clientId: pages.clientId,
      clientSecret: pages.clientSecret,
      code,
      redirectUri: redirectUri(ctx),
    });
    login = await readUserLogin({ fetch: deps.fetch, github: deps.settings!.github, token });
    team = await deps.findMemberTeam({ login, teams: pages.teams });
  } catch (error) {
    deps.log.warn({ err: error }, 'dashboard: sign-in failed');
    const message = error instanceof SignInError ? error.message : 'GitHub could not be reached to complete the sign-in.';
    return html(502, renderMessagePage({ title: 'Sign-in failed', message, action: startAgain }), { 'set-cookie': clearState(ctx) });
  }
  const teams = pages.teams.map((t) => `${t.org}/${t.slug}`).join(', ');
  if (!team) {
    deps.log.info({ login }, 'dashboard: sign-in refused, not a member of the dashboard teams');
    const message = `${login} is not a member of the teams allowed to see the compliance dashboard (${teams}). Ask an owner of one of these teams for access.`;
    return html(403, renderMessagePage({ title: 'Access refused', message }), { 'set-cookie': clearState(ctx) });
  }
  deps.log.info({ login, team: `${team.org}/${team.slug}` }, 'dashboard: signed in');
  const now = deps.now().getTime();
  const session = { login, team: `${team.org}/${team.slug}`, checkedAt: now, exp: now + SESSION_TTL_MS };
  return redirect(saved.returnTo, { 'set-cookie': [clearState(ctx), sessionCookie(ctx, session, pages.sessionSecret)] });
}

/**
 * `POST /dashboard/logout`, from our own page only: the browser's Sec-Fetch-Site (or Origin) must say so, so another
 * site cannot sign people out. Clears the session cookie.
 */
export function signOut(ctx: RequestContext): Reply {
  const origin = ctx.req.headers.origin;
  const site = ctx.req.headers['sec-fetch-site'];
  // Browsers send `Origin: null` on a form POST from a page with Referrer-Policy no-referrer (ours), so the fetch
  // metadata header decides when present; an older browser's Origin otherwise.
  const sameOrigin = site !== undefined ? site === 'same-origin' : origin !== undefined && origin === new URL(baseUrl(ctx)).origin;
  if (!sameOrigin) return html(403, renderMessagePage({ title: 'Refused', message: 'Sign out from the dashboard page itself.' }));
  return html(
    200,
    renderMessagePage({ title: 'Signed out', message: 'You are signed out of the compliance dashboard.', action: startAgain }),
    { 'set-cookie': clearSessionCookie(ctx) },
  );
}
