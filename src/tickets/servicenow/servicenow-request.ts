import type { z } from 'zod';
import { parseRetryAfter, TicketProviderError } from '../ticket-reader.js';
import { ServiceNowError } from './schema.js';
import type { ServiceNowSettings } from './servicenow-env.js';

export type Fetch = typeof fetch;

function authorization(settings: ServiceNowSettings): string {
  const { auth } = settings;
  return auth.kind === 'bearer' ? `Bearer ${auth.token}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

function describeStatus(input: { status: number; body: unknown; what: string; settings: ServiceNowSettings }): string {
  const { status, body, what, settings } = input;
  if (status === 401 || status === 403) {
    const names = settings.auth.kind === 'bearer' ? 'SERVICENOW_TOKEN' : 'SERVICENOW_USERNAME and SERVICENOW_PASSWORD';
    return `ServiceNow refused the credentials (HTTP ${status}) when reading ${what}; check ${names} and the user's roles`;
  }
  if (status === 429) return `ServiceNow rate-limited the request for ${what} (HTTP 429)`;
  if (status >= 500) return `ServiceNow failed to answer for ${what} (HTTP ${status})`;
  const parsed = ServiceNowError.safeParse(body);
  const detail = parsed.success ? (parsed.data.error.message ?? '').slice(0, 200) : '';
  return `ServiceNow answered HTTP ${status} for ${what}${detail ? `: ${detail}` : ''}`;
}

async function send(input: { fetch: Fetch; url: URL; init: RequestInit; what: string; settings: ServiceNowSettings }): Promise<Response> {
  const { settings, what } = input;
  try {
    return await input.fetch(input.url, { ...input.init, signal: AbortSignal.timeout(settings.timeoutMs) });
  } catch (error) {
    // Read by shape, not instanceof: fetch's errors may come from another realm (test VMs).
    const record = typeof error === 'object' && error !== null ? (error as { name?: unknown; cause?: { code?: unknown } }) : {};
    const name = typeof record.name === 'string' ? record.name : typeof error;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new TicketProviderError(`ServiceNow did not answer within ${settings.timeoutMs} ms for ${what} (timeout)`, { retryable: true });
    }
    // fetch's TypeError carries the cause (ECONNREFUSED…); never the request, so no credentials.
    const code = typeof record.cause?.code === 'string' ? record.cause.code : name;
    throw new TicketProviderError(`ServiceNow could not be reached at ${settings.instanceUrl} for ${what} (${code})`, { retryable: true });
  }
}

/**
 * One Table API request with the configured credentials and timeout (AbortSignal), its JSON answer parsed with
 * `schema`. Failures become {@link TicketProviderError}s that never carry credentials: 429 and 5xx are retryable,
 * with ServiceNow's Retry-After.
 */
export async function serviceNowRequest<T>(input: {
  fetch: Fetch;
  settings: ServiceNowSettings;
  method?: 'GET' | 'PATCH' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  what: string;
  schema: z.ZodType<T>;
}): Promise<T> {
  const { settings, what } = input;
  const url = new URL(`${settings.instanceUrl}${input.path}`);
  for (const [name, value] of Object.entries(input.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { accept: 'application/json', authorization: authorization(settings) };
  if (input.body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = {
    method: input.method ?? 'GET',
    headers,
    ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
  };
  const response = await send({ fetch: input.fetch, url, init, what, settings });
  const text = await response.text().catch(() => '');
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const retryable = response.status === 429 || response.status >= 500;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    throw new TicketProviderError(describeStatus({ status: response.status, body, what, settings }), { retryable, retryAfterMs });
  }
  const parsed = input.schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new TicketProviderError(`ServiceNow answered with an unexpected shape for ${what}: ${problems.slice(0, 3).join('; ')}`);
  }
  return parsed.data;
}
