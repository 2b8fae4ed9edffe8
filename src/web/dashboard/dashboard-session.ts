import { z } from 'zod';
import type { DashboardTeam } from './dashboard-env.js';
import { renderMessagePage } from './render-layout.js';
import { html, type Reply } from './respond.js';
import { cookieHeader, readCookies, signValue, verifyValue } from './signed-cookie.js';
import { isSecure, type RequestContext } from './dashboard-context.js';

export const SESSION_COOKIE = 'cc_session';
/** A session lasts a working day; membership is asked of GitHub again when it is older than RECHECK_MS. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const RECHECK_MS = 10 * 60 * 1000;

const Session = z.object({ login: z.string().min(1), team: z.string(), checkedAt: z.number(), exp: z.number() });
export type Session = z.infer<typeof Session>;

export type Authentication = { login: string; setCookie: string[] } | { refused: Reply } | null;

export function sessionCookie(ctx: RequestContext, session: Session, secret: string): string {
  const maxAgeSeconds = Math.max(0, Math.floor((session.exp - ctx.deps.now().getTime()) / 1000));
  return cookieHeader({ name: SESSION_COOKIE, value: signValue(session, secret), path: '/', maxAgeSeconds, secure: isSecure(ctx) });
}

export const clearSessionCookie = (ctx: RequestContext): string =>
  cookieHeader({ name: SESSION_COOKIE, value: '', path: '/', maxAgeSeconds: 0, secure: isSecure(ctx) });

/**
 * The signed-in user of a request, or null without a valid session. A session whose membership check is older than
 * RECHECK_MS is checked again (someone removed from the team loses access within minutes, not at the end of the
 * day); GitHub not answering refuses entry rather than trust the old answer.
 */
export async function authenticate(ctx: RequestContext): Promise<Authentication> {
  const pages = ctx.deps.settings?.pages;
  const value = readCookies(ctx.req.headers.cookie).get(SESSION_COOKIE);
  if (!pages || value === undefined) return null;
  const now = ctx.deps.now();
  const session = verifyValue(value, { secret: pages.sessionSecret, schema: Session, now });
  if (!session) return null;
  if (now.getTime() - session.checkedAt <= RECHECK_MS) return { login: session.login, setCookie: [] };
  let team: DashboardTeam | null;
  try {
    team = await ctx.deps.findMemberTeam({ login: session.login, teams: pages.teams });
  } catch (error) {
    ctx.deps.log.warn({ err: error, login: session.login }, 'dashboard: team membership could not be checked');
    return {
      refused: html(
        503,
        renderMessagePage({
          title: 'Cannot check your access',
          message: 'GitHub did not answer whether you are still a member of the dashboard teams. Try again in a minute.',
        }),
      ),
    };
  }
  if (!team) {
    ctx.deps.log.info({ login: session.login }, 'dashboard: no longer a member of the dashboard teams');
    return {
      refused: html(
        403,
        renderMessagePage({
          title: 'Access refused',
          message: `${session.login} is no longer a member of ${pages.teams.map((t) => `${t.org}/${t.slug}`).join(' or ')}.`,
        }),
        { 'set-cookie': clearSessionCookie(ctx) },
      ),
    };
  }
  const renewed = { ...session, team: `${team.org}/${team.slug}`, checkedAt: now.getTime() };
  return { login: session.login, setCookie: [sessionCookie(ctx, renewed, pages.sessionSecret)] };
}
