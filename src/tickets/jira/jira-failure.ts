import { parseRetryAfter, TicketProviderError } from '../ticket-reader.js';
import type { JiraSettings } from './jira-env.js';

/** What went wrong, read from what jira.js threw. */
type JiraFailure =
  | { kind: 'http'; status: number; data: unknown; retryAfter: string | null }
  | { kind: 'network'; code: string | undefined }
  | { kind: 'other'; name: string };

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

function headerOf(response: Record<string, unknown>, name: string): string | null {
  const headers = response.headers;
  if (!isRecord(headers)) return null;
  const value = typeof headers.get === 'function' ? (headers.get as (n: string) => unknown)(name) : headers[name];
  return typeof value === 'string' ? value : null;
}

function readFailure(error: unknown): JiraFailure {
  const axiosError = findAxiosError(error);
  if (axiosError === undefined) {
    return { kind: 'other', name: error instanceof Error ? error.name : typeof error };
  }
  const { response, code } = axiosError;
  if (isRecord(response) && typeof response.status === 'number') {
    return { kind: 'http', status: response.status, data: response.data, retryAfter: headerOf(response, 'retry-after') };
  }
  return { kind: 'network', code: typeof code === 'string' ? code : undefined };
}

/** Jira's own error body (`{"errorMessages": [...], "errors": {...}}`), which a proxy or a wrong base URL does not send. */
function jiraErrorMessages(data: unknown): string[] | undefined {
  if (!isRecord(data) || !Array.isArray(data.errorMessages)) return undefined;
  return data.errorMessages.filter((message): message is string => typeof message === 'string');
}

/** True when Jira itself said the issue does not exist (or may not be seen: Jira does not tell them apart). */
export function isJiraNotFound(error: unknown): boolean {
  const failure = readFailure(error);
  return failure.kind === 'http' && failure.status === 404 && jiraErrorMessages(failure.data) !== undefined;
}

function describeFailure({ failure, what, settings }: { failure: JiraFailure; what: string; settings: JiraSettings }): string {
  if (failure.kind === 'other') return `Jira request for ${what} failed before Jira answered (${failure.name})`;
  if (failure.kind === 'network') {
    // Nothing aborts our requests, so ECONNABORTED is axios's name for its own timeout.
    if (failure.code === 'ECONNABORTED' || failure.code === 'ETIMEDOUT') {
      return `Jira did not answer within ${settings.timeoutMs} ms for ${what} (timeout, ${failure.code})`;
    }
    return `Jira could not be reached at ${settings.baseUrl} for ${what} (${failure.code ?? 'unknown network error'})`;
  }
  const { status } = failure;
  const detail = jiraErrorMessages(failure.data)?.[0]?.slice(0, 200);
  // A 403 with Jira's own message is a missing permission (e.g. Add comments), not refused credentials.
  if (status === 403 && detail) return `Jira refused ${what} (HTTP 403): ${detail}`;
  if (status === 401 || status === 403) {
    const names = settings.auth.kind === 'cloud' ? 'JIRA_EMAIL and JIRA_API_TOKEN' : 'JIRA_PAT';
    return `Jira refused the credentials (HTTP ${status}) when reading ${what}; check ${names}`;
  }
  if (status === 404) return `Jira answered HTTP 404 for ${what} without a Jira error body; check JIRA_BASE_URL (${settings.baseUrl})`;
  if (status === 429) return `Jira rate-limited the request for ${what} (HTTP 429)`;
  if (status >= 500) return `Jira failed to answer for ${what} (HTTP ${status})`;
  return `Jira answered HTTP ${status} for ${what}${detail ? `: ${detail}` : ''}`;
}

function isRetryable(failure: JiraFailure): boolean {
  if (failure.kind === 'network') return true;
  return failure.kind === 'http' && (failure.status === 429 || failure.status >= 500);
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

/** Our own error for what jira.js threw: a message without credentials, whether to retry, and Jira's Retry-After. */
export function toJiraProviderError(input: { error: unknown; what: string; settings: JiraSettings; now?: number }): TicketProviderError {
  const failure = readFailure(input.error);
  const retryAfterMs = failure.kind === 'http' ? parseRetryAfter(failure.retryAfter, input.now ?? Date.now()) : null;
  return new TicketProviderError(describeFailure({ failure, what: input.what, settings: input.settings }), {
    cause: redactRequest(input.error),
    retryable: isRetryable(failure),
    retryAfterMs,
  });
}
