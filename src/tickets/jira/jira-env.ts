import { z } from 'zod';

export const DEFAULT_JIRA_TIMEOUT_MS = 5000;
/** Longer than any sensible wait, and far below Node's timer limit (2^31 - 1 ms), past which timers fire at once. */
const MAX_JIRA_TIMEOUT_MS = 120_000;

/** How we sign in: Jira Cloud (REST v3, e-mail + API token) or Data Center/Server (REST v2, personal access token). */
export type JiraAuth = { kind: 'cloud'; email: string; apiToken: string } | { kind: 'data-center'; personalAccessToken: string };

export interface JiraSettings {
  /** Without a trailing slash, e.g. `https://acme.atlassian.net` or `https://jira.acme.com/jira`. */
  baseUrl: string;
  auth: JiraAuth;
  /** How long one request to Jira may take before it counts as failed. */
  timeoutMs: number;
}

/** An unset, empty or blank variable all mean "not set"; values are trimmed (secrets mounted from files end in a newline). */
function setting<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined), schema);
}

const BaseUrl = z
  .url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined ? 'JIRA_BASE_URL is not set' : 'JIRA_BASE_URL must be an http(s) URL such as https://acme.atlassian.net',
  })
  // zod runs this check even when the URL check above failed: leave an unparsable value to that one.
  .refine((value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return url === undefined || (url.username === '' && url.password === '');
  }, 'JIRA_BASE_URL must not contain a user name or password: set JIRA_EMAIL and JIRA_API_TOKEN or JIRA_PAT')
  .transform((value) => value.replace(/\/+$/, ''));

const TimeoutMs = z
  .string()
  .regex(/^\d+$/, { error: (issue) => `JIRA_TIMEOUT_MS must be a whole number of milliseconds, got "${String(issue.input)}"` })
  .transform(Number)
  .refine((value) => value >= 1 && value <= MAX_JIRA_TIMEOUT_MS, {
    error: (issue) => `JIRA_TIMEOUT_MS must be between 1 and ${MAX_JIRA_TIMEOUT_MS} ms, got ${String(issue.input)}`,
  });

/**
 * The environment variables of the Jira provider. Set either `JIRA_EMAIL` + `JIRA_API_TOKEN` (Jira Cloud) or
 * `JIRA_PAT` (Data Center/Server). Issue messages name the variables and never carry a secret value.
 */
export const JiraEnv = z
  .object({
    /** The Jira site, e.g. https://acme.atlassian.net (Cloud) or https://jira.acme.com (Data Center, context path allowed). */
    JIRA_BASE_URL: setting(BaseUrl),
    /** Jira Cloud: the e-mail address of the account that owns JIRA_API_TOKEN. */
    JIRA_EMAIL: setting(z.string().optional()),
    /** Jira Cloud: an API token (https://id.atlassian.com/manage-profile/security/api-tokens). */
    JIRA_API_TOKEN: setting(z.string().optional()),
    /** Jira Data Center/Server: a personal access token, sent as a bearer token. */
    JIRA_PAT: setting(z.string().optional()),
    /** Milliseconds one request to Jira may take; 5000 when unset. */
    JIRA_TIMEOUT_MS: setting(TimeoutMs.optional()),
  })
  .transform((env, ctx): JiraSettings => {
    const timeoutMs = env.JIRA_TIMEOUT_MS ?? DEFAULT_JIRA_TIMEOUT_MS;
    const { JIRA_EMAIL: email, JIRA_API_TOKEN: apiToken, JIRA_PAT: personalAccessToken } = env;
    // `input: undefined`: a custom issue would otherwise carry the whole environment, secrets included.
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: undefined });
      return z.NEVER;
    };
    if (personalAccessToken !== undefined) {
      if (email !== undefined || apiToken !== undefined) {
        return fail('set either JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center), not both');
      }
      return { baseUrl: env.JIRA_BASE_URL, auth: { kind: 'data-center', personalAccessToken }, timeoutMs };
    }
    if (email === undefined && apiToken === undefined) {
      return fail('set JIRA_EMAIL and JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center)');
    }
    if (email === undefined) return fail('JIRA_EMAIL is not set (Jira Cloud needs it with JIRA_API_TOKEN)');
    if (apiToken === undefined) return fail('JIRA_API_TOKEN is not set (Jira Cloud needs it with JIRA_EMAIL)');
    return { baseUrl: env.JIRA_BASE_URL, auth: { kind: 'cloud', email, apiToken }, timeoutMs };
  });

/** Reads the Jira provider's settings from the environment; `reason` names what is missing or wrong, never a secret. */
export function readJiraEnv(env: NodeJS.ProcessEnv): { ok: true; value: JiraSettings } | { ok: false; reason: string } {
  const result = JiraEnv.safeParse(env);
  if (!result.success) {
    return { ok: false, reason: result.error.issues.map((issue) => issue.message).join('; ') };
  }
  return { ok: true, value: result.data };
}
