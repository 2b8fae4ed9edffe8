import { Version2Client, Version3Client } from 'jira.js';
import type { TicketLookup } from '../../policy/facts.js';
import { TicketProviderError, type TicketReader } from '../ticket-reader.js';
import type { JiraSettings } from './jira-env.js';
import { JiraIssue } from './schema.js';

const FIELDS = ['status', 'issuetype', 'summary'];

/** What went wrong, read from what jira.js threw. */
type JiraFailure =
  | { kind: 'http'; status: number; data: unknown }
  | { kind: 'network'; code: string | undefined }
  | { kind: 'other'; name: string };

/** Reads change tickets from Jira Cloud (REST v3) or Jira Data Center/Server (REST v2). */
export function createJiraTicketReader(settings: JiraSettings): TicketReader {
  const getIssue = createGetIssue(settings);
  const browseUrl = (key: string) => `${settings.baseUrl}/browse/${encodeURIComponent(key)}`;

  return {
    async lookup(key: string): Promise<TicketLookup> {
      let answer: unknown;
      try {
        answer = await getIssue(key);
      } catch (error) {
        const failure = readFailure(error);
        if (failure.kind === 'http' && failure.status === 404 && jiraErrorMessages(failure.data) !== undefined) {
          return { found: false, requestedKey: key, url: browseUrl(key) };
        }
        throw new TicketProviderError(describeFailure({ failure, key, settings }), { cause: redactRequest(error) });
      }
      const parsed = JiraIssue.safeParse(answer);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
        throw new TicketProviderError(`Jira answered with an unexpected issue shape: ${problems.join('; ')}`, { cause: parsed.error });
      }
      const { key: answeredKey, fields } = parsed.data;
      return {
        found: true,
        key: answeredKey,
        requestedKey: key,
        status: fields.status.name,
        issueType: fields.issuetype.name,
        summary: fields.summary,
        url: browseUrl(answeredKey),
      };
    },
  };
}

function createGetIssue(settings: JiraSettings): (key: string) => Promise<unknown> {
  const { baseUrl: host, auth, timeoutMs } = settings;
  // jira.js puts the key into the path unencoded.
  const parameters = (key: string) => ({ issueIdOrKey: encodeURIComponent(key), fields: FIELDS });
  if (auth.kind === 'cloud') {
    const client = new Version3Client({
      host,
      authentication: { basic: { email: auth.email, apiToken: auth.apiToken } },
      baseRequestConfig: { timeout: timeoutMs },
    });
    return (key) => client.issues.getIssue<unknown>(parameters(key));
  }
  // jira.js 5 has no personal-access-token option: Data Center takes the PAT as a bearer token
  // (https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html).
  const client = new Version2Client({
    host,
    baseRequestConfig: { timeout: timeoutMs, headers: { Authorization: `Bearer ${auth.personalAccessToken}` } },
  });
  return (key) => client.issues.getIssue<unknown>(parameters(key));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * jira.js 5.4 throws an `HttpException` whose `cause` is the AxiosError when Jira answered, the bare AxiosError
 * when it did not (refused, timed out), and an `HttpException` with a made-up status 500 for anything else.
 * So the HTTP status is read only from the AxiosError's `response`, never from a `.status` alone.
 */
function findAxiosError(error: unknown): Record<string, unknown> | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth += 1) {
    if (current.isAxiosError === true) return current;
    current = current.cause;
  }
  return undefined;
}

function readFailure(error: unknown): JiraFailure {
  const axiosError = findAxiosError(error);
  if (axiosError === undefined) {
    return { kind: 'other', name: error instanceof Error ? error.name : typeof error };
  }
  const { response, code } = axiosError;
  if (isRecord(response) && typeof response.status === 'number') {
    return { kind: 'http', status: response.status, data: response.data };
  }
  return { kind: 'network', code: typeof code === 'string' ? code : undefined };
}

/** Jira's own error body (`{"errorMessages": [...], "errors": {...}}`), which a proxy or a wrong base URL does not send. */
function jiraErrorMessages(data: unknown): string[] | undefined {
  if (!isRecord(data) || !Array.isArray(data.errorMessages)) return undefined;
  return data.errorMessages.filter((message): message is string => typeof message === 'string');
}

function describeFailure({ failure, key, settings }: { failure: JiraFailure; key: string; settings: JiraSettings }): string {
  if (failure.kind === 'other') return `Jira request for ${key} failed before Jira answered (${failure.name})`;
  if (failure.kind === 'network') {
    // Nothing aborts our requests, so ECONNABORTED is axios's name for its own timeout.
    if (failure.code === 'ECONNABORTED' || failure.code === 'ETIMEDOUT') {
      return `Jira did not answer within ${settings.timeoutMs} ms for ${key} (timeout, ${failure.code})`;
    }
    return `Jira could not be reached at ${settings.baseUrl} for ${key} (${failure.code ?? 'unknown network error'})`;
  }
  const { status } = failure;
  if (status === 401 || status === 403) {
    const names = settings.auth.kind === 'cloud' ? 'JIRA_EMAIL and JIRA_API_TOKEN' : 'JIRA_PAT';
    return `Jira refused the credentials (HTTP ${status}) when reading ${key}; check ${names}`;
  }
  if (status === 404) return `Jira answered HTTP 404 for ${key} without a Jira error body; check JIRA_BASE_URL (${settings.baseUrl})`;
  if (status === 429) return `Jira rate-limited the request for ${key} (HTTP 429)`;
  if (status >= 500) return `Jira failed to answer for ${key} (HTTP ${status})`;
  const detail = jiraErrorMessages(failure.data)?.[0]?.slice(0, 200);
  return `Jira answered HTTP ${status} for ${key}${detail ? `: ${detail}` : ''}`;
}

/** The AxiosError keeps the request config and client request, Authorization header included: drop them from the cause. */
function redactRequest(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth += 1) {
    delete current.config;
    delete current.request;
    if (isRecord(current.response)) {
      delete current.response.config;
      delete current.response.request;
    }
    current = current.cause;
  }
  return error;
}
