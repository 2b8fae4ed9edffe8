import { ProbotOctokit } from 'probot';
import type { WriteBudget } from './write-budget.js';

/** Requests GitHub counts against the content-creation limit: writes other than token requests and GraphQL queries. */
export function isContentCreating(method: string, url: string): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/^\/api\/v3/, '');
  if (path.startsWith('/graphql') || path.startsWith('/api/graphql')) return false;
  return !/^\/app\/installations\/[^/]+\/access_tokens/.test(path);
}

/**
 * plugin-throttling's write group spaces every POST, GraphQL queries included, 1 s apart. This group lets
 * requests through unspaced: the write budget below paces content-creating requests per installation
 * instead. (The plugin only calls `key(id).schedule(options, fn)` on it.)
 */
const UNSPACED = {
  key: () => ({
    schedule: <A extends unknown[], R>(_options: unknown, fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> =>
      Promise.resolve(fn(...args)),
  }),
};

/**
 * Probot's Octokit with GitHub's real limits per installation: content-creating requests within `budget`
 * (80 a minute, 500 an hour by default), GraphQL queries and GETs not spaced, and every request under a
 * deadline. Retries (5xx, secondary rate limits with Retry-After) stay with Probot's retry and throttling plugins.
 */
/** fetch with a deadline: a GitHub that does not answer fails the request (then retried) instead of hanging the worker. */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (url, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    return fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
  };
}

export function createChangeControlOctokit(input: { budget: WriteBudget; timeoutMs: number }): typeof ProbotOctokit {
  const { budget } = input;
  const withBudget = ProbotOctokit.plugin((octokit, options) => {
    // Probot sets the throttle id to the installation id for installation clients.
    const key = String((options as { throttle?: { id?: string } }).throttle?.id ?? 'app');
    octokit.hook.wrap('request', async (request, requestOptions) => {
      if (isContentCreating(requestOptions.method, requestOptions.url)) await budget.acquire(key);
      return request(requestOptions);
    });
  });
  return withBudget.defaults((instance: ConstructorParameters<typeof ProbotOctokit>[0]) => ({
    ...instance,
    throttle: { ...instance?.throttle, write: UNSPACED },
    request: { ...instance?.request, fetch: fetchWithTimeout(input.timeoutMs) },
  })) as typeof ProbotOctokit;
}
