import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { restInstallation, restPublicUser, restTeamMembership } from './oauth-shapes.js';
import { notFound, type RestRoute, type RouteAnswer } from './rest-routes.js';

/**
 * GitHub's OAuth web flow for the GitHub App's client (the dashboard's sign-in), the signed-in user, the app's
 * installation on an organisation and team memberships.
 */

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

/** Codes and user tokens the simulated GitHub issued. */
export class OAuthState {
  readonly codes = new Map<string, { login: string; redirectUri: string }>();
  readonly userTokens = new Map<string, string>();
  constructor(readonly client: OAuthClient) {}
}

const AccessTokenRequest = z
  .object({ client_id: z.string(), client_secret: z.string(), code: z.string(), redirect_uri: z.string().optional() })
  .strict();

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** GitHub's consent page, reduced to a form that says who signs in (the browser test types a login). */
function authorizePage(query: Record<string, string>): string {
  const hidden = ['client_id', 'redirect_uri', 'state', 'allow_signup']
    .filter((name) => query[name] !== undefined)
    .map((name) => `<input type="hidden" name="${name}" value="${escape(query[name] ?? '')}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize Change Control</title><link rel="icon" href="data:,"></head><body><h1>Sign in to GitHub to continue to Change Control</h1><form method="get" action="/login/oauth/authorize">${hidden}<label>Username <input name="login" autocomplete="username"></label><button type="submit">Authorize</button></form></body></html>`;
}

export const DEFAULT_OAUTH_CLIENT: OAuthClient = { clientId: 'Iv1.simulatorclient', clientSecret: 'simulator-client-secret' };

const oauthError = (error: string, description: string): RouteAnswer => ({
  // GitHub answers these with 200 and an `error` field.
  status: 200,
  body: {
    error,
    error_description: description,
    error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
  },
});

export const OAUTH_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    pattern: /^\/login\/oauth\/authorize$/,
    auth: 'none',
    handle(ctx) {
      const { client_id: clientId, redirect_uri: redirectUri, state, login } = ctx.query;
      if (clientId !== ctx.oauth.client.clientId)
        return {
          status: 404,
          body: '<h1>404: no such OAuth application</h1>',
          unexpected: `authorize with client_id ${clientId ?? '(none)'}`,
        };
      if (!redirectUri)
        return { status: 400, body: '<h1>redirect_uri is required here</h1>', unexpected: 'authorize without redirect_uri' };
      if (!login) return { status: 200, body: authorizePage(ctx.query) };
      const code = randomBytes(10).toString('hex');
      ctx.oauth.codes.set(code, { login, redirectUri });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      if (state !== undefined) target.searchParams.set('state', state);
      return { status: 302, body: '', headers: { location: target.toString() } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/login\/oauth\/access_token$/,
    auth: 'none',
    handle(ctx) {
      const body = AccessTokenRequest.safeParse(ctx.body);
      if (!body.success)
        return { status: 400, body: { error: 'invalid_request' }, unexpected: `access_token body: ${z.prettifyError(body.error)}` };
      const { client } = ctx.oauth;
      if (body.data.client_id !== client.clientId || body.data.client_secret !== client.clientSecret) {
        return oauthError('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
      }
      const granted = ctx.oauth.codes.get(body.data.code);
      // A code is good once (GitHub: ten minutes, single use).
      ctx.oauth.codes.delete(body.data.code);
      if (!granted) return oauthError('bad_verification_code', 'The code passed is incorrect or expired.');
      if (body.data.redirect_uri !== undefined && body.data.redirect_uri !== granted.redirectUri)
        return oauthError('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
      const token = `ghu_${randomBytes(18).toString('base64url')}`;
      ctx.oauth.userTokens.set(token, granted.login);
      return { status: 200, body: { access_token: token, token_type: 'bearer', scope: '' } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/user$/,
    auth: 'user',
    handle: (ctx) => ({ status: 200, body: restPublicUser(ctx.data, ctx.urls, ctx.userLogin ?? '') }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/orgs\/([^/]+)\/installation$/,
    auth: 'jwt',
    handle(ctx) {
      const org = ctx.params[0] ?? '';
      const repo = [...ctx.data.repos.values()].find((r) => r.owner.toLowerCase() === org.toLowerCase());
      if (!repo) return notFound(`an installation on ${org}`);
      return { status: 200, body: restInstallation(ctx.data, ctx.urls, ctx.app, { id: repo.installationId, org: repo.owner }) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v3\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/,
    auth: 'token',
    handle(ctx) {
      const [org = '', slug = '', login = ''] = ctx.params;
      const team = ctx.data.teams.find((t) => t.org.toLowerCase() === org.toLowerCase() && t.slug.toLowerCase() === slug.toLowerCase());
      const member = team?.members.some((m) => m.toLowerCase() === login.toLowerCase()) ?? false;
      // Not a member (or no such team) is GitHub's 404: an ordinary answer, not a request the app should not make.
      if (!team || !member)
        return {
          status: 404,
          body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/teams/members#get-team-membership-for-a-user' },
        };
      return { status: 200, body: restTeamMembership(ctx.urls, { org: team.org, slug: team.slug, login }) };
    },
  },
];
