import { z } from 'zod';
import { hashToken } from './api-tokens.js';

export interface DashboardTeam {
  org: string;
  slug: string;
}

/** Where GitHub's web pages (OAuth) and REST API are: github.com, or GitHub Enterprise Server with GHE_HOST. */
export interface GitHubUrls {
  web: string;
  api: string;
}

/** The dashboard's settings: the pages with GitHub sign-in, and/or the JSON API with bearer tokens. */
export interface DashboardSettings {
  pages: { clientId: string; clientSecret: string; sessionSecret: string; teams: DashboardTeam[] } | null;
  /** SHA-256 of each DASHBOARD_API_TOKENS token. */
  apiTokenHashes: Buffer[];
  /** DASHBOARD_URL: the public base URL (the OAuth callback is `<it>/dashboard/callback`); null: taken from the request's Host. */
  publicUrl: string | null;
  github: GitHubUrls;
}

export type DashboardEnvResult = { ok: true; settings: DashboardSettings | null } | { ok: false; errors: string[] };

const PAGE_VARIABLES = ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'SESSION_SECRET', 'DASHBOARD_TEAMS'] as const;

const Teams = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((team) => team.trim())
      .filter((team) => team !== ''),
  )
  .pipe(
    z
      .array(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, {
          error: (issue) => `DASHBOARD_TEAMS: each team must be ORG/TEAM-SLUG like acme/compliance, got ${JSON.stringify(issue.input)}`,
        }),
      )
      .min(1, 'DASHBOARD_TEAMS must list at least one team, like acme/compliance'),
  );

const PagesEnv = z.object({
  GITHUB_CLIENT_ID: z.string().min(1, 'GITHUB_CLIENT_ID is empty'),
  GITHUB_CLIENT_SECRET: z.string().min(1, 'GITHUB_CLIENT_SECRET is empty'),
  // 32 characters: enough entropy for HMAC-SHA256 when the secret is random (`openssl rand -hex 32` gives 64).
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)'),
  DASHBOARD_TEAMS: Teams,
});

const ApiTokens = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token !== ''),
  )
  .pipe(z.array(z.string().min(32, 'DASHBOARD_API_TOKENS: each token must be at least 32 characters (e.g. `openssl rand -hex 32`)')));

const PublicUrl = z
  .url({ protocol: /^https?$/, error: 'DASHBOARD_URL must be an http(s) URL like https://change-control.acme.com' })
  .transform((url) => url.replace(/\/+$/, ''));

/** github.com, or GHE_HOST with GHE_PROTOCOL (https by default), as Probot reads them. */
export function githubUrls(env: NodeJS.ProcessEnv): GitHubUrls {
  if (!env.GHE_HOST) return { web: 'https://github.com', api: 'https://api.github.com' };
  const base = `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}`;
  return { web: base, api: `${base}/api/v3` };
}

function pagesSettings(env: NodeJS.ProcessEnv, errors: string[]): DashboardSettings['pages'] {
  const given = PAGE_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '');
  if (given.length === 0) return null;
  const missing = PAGE_VARIABLES.filter((name) => !given.includes(name));
  if (missing.length > 0) {
    errors.push(
      `the dashboard needs ${PAGE_VARIABLES.join(', ')}; ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not`,
    );
    return null;
  }
  const parsed = PagesEnv.safeParse(env);
  if (!parsed.success) {
    errors.push(...parsed.error.issues.map((issue) => issue.message));
    return null;
  }
  const teams = parsed.data.DASHBOARD_TEAMS.map((team) => {
    const [org = '', slug = ''] = team.split('/');
    return { org, slug };
  });
  return {
    clientId: parsed.data.GITHUB_CLIENT_ID,
    clientSecret: parsed.data.GITHUB_CLIENT_SECRET,
    sessionSecret: parsed.data.SESSION_SECRET,
    teams,
  };
}

/**
 * The dashboard settings from the environment: the pages are on when GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET,
 * SESSION_SECRET and DASHBOARD_TEAMS are all set; the JSON API alone with DASHBOARD_API_TOKENS. Some but not all of
 * the four is an error (a start that silently left the dashboard off would look like an outage). Null: nothing set.
 */
export function readDashboardEnv(env: NodeJS.ProcessEnv): DashboardEnvResult {
  const errors: string[] = [];
  const pages = pagesSettings(env, errors);
  const tokens = env.DASHBOARD_API_TOKENS ? ApiTokens.safeParse(env.DASHBOARD_API_TOKENS) : null;
  if (tokens && !tokens.success) errors.push(...tokens.error.issues.map((issue) => issue.message));
  const publicUrl = env.DASHBOARD_URL ? PublicUrl.safeParse(env.DASHBOARD_URL) : null;
  if (publicUrl && !publicUrl.success) errors.push(...publicUrl.error.issues.map((issue) => issue.message));
  if (errors.length > 0) return { ok: false, errors };
  const apiTokenHashes = tokens?.success ? tokens.data.map(hashToken) : [];
  if (!pages && apiTokenHashes.length === 0) return { ok: true, settings: null };
  return { ok: true, settings: { pages, apiTokenHashes, publicUrl: publicUrl?.success ? publicUrl.data : null, github: githubUrls(env) } };
}
