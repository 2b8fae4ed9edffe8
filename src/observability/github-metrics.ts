import type { ProbotOctokit } from 'probot';
import { classifyGithubRequest } from './classify-github-request.js';
import { githubRateLimitWaits, githubRequests } from './metrics.js';

type Octokit = Pick<InstanceType<typeof ProbotOctokit>, 'hook'>;
type Fetch = typeof globalThis.fetch;

const COUNTING = Symbol('change-control.counting-fetch');
const instrumented = new WeakSet<object>();

/**
 * Counts every request the octokit sends to GitHub in change_control_github_requests_total{kind,status}
 * and every rate-limited answer in change_control_github_rate_limit_waits_total{limit}. Counting happens
 * at the fetch under octokit's retry and throttling plugins, so each attempt on the wire counts once,
 * retries included. Calling it again on the same octokit changes nothing.
 */
export function instrumentOctokit(octokit: Octokit): void {
  if (instrumented.has(octokit)) return;
  instrumented.add(octokit);
  octokit.hook.wrap('request', async (request, options) => {
    const fetch: Fetch = options.request?.fetch ?? globalThis.fetch;
    if (!isCounting(fetch)) options.request = { ...options.request, fetch: countingFetch(fetch) };
    return request(options);
  });
}

/** The same as an Octokit plugin, for `ProbotOctokit.plugin(githubMetricsPlugin)`. */
export function githubMetricsPlugin(octokit: Octokit): Record<string, never> {
  instrumentOctokit(octokit);
  return {};
}

function isCounting(fetch: Fetch): boolean {
  return (fetch as Fetch & { [COUNTING]?: true })[COUNTING] === true;
}

function countingFetch(fetch: Fetch): Fetch {
  const counted: Fetch = async (input, init) => {
    const kind = classifyGithubRequest(init?.method ?? 'GET', requestUrl(input));
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      githubRequests.inc({ kind, status: 'network' });
      throw error;
    }
    githubRequests.inc({ kind, status: String(response.status) });
    const limit = rateLimitOf(response);
    if (limit) githubRateLimitWaits.inc({ limit });
    return response;
  };
  return Object.assign(counted, { [COUNTING]: true as const });
}

function requestUrl(input: Parameters<Fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/**
 * GitHub's rate-limited answers (docs.github.com "Rate limits for the REST API"): 403 or 429 with
 * `x-ratelimit-remaining: 0` is the primary limit; with `retry-after` (and requests left) a secondary one.
 * octokit's throttling plugin waits on both before any retry.
 */
export function rateLimitOf(response: Pick<Response, 'status' | 'headers'>): 'primary' | 'secondary' | null {
  if (response.status !== 403 && response.status !== 429) return null;
  if (response.headers.get('x-ratelimit-remaining') === '0') return 'primary';
  if (response.headers.has('retry-after')) return 'secondary';
  return null;
}
