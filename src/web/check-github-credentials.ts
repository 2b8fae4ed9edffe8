import type { Probot } from 'probot';
import { z } from 'zod';

/** What `GET /app` with the app's JWT said about our credentials. */
export type GithubCredentialsCheck =
  | { state: 'ok' }
  /** GitHub refused them, or they cannot be used at all: the replica is not ready. */
  | { state: 'refused'; reason: string }
  /** GitHub did not answer usefully (outage, timeout, rate limit): credentials unverified, work is queued meanwhile. */
  | { state: 'unreachable'; reason: string };

const HttpError = z.object({
  name: z.literal('HttpError'),
  status: z.number(),
  response: z.object({ headers: z.record(z.string(), z.unknown()) }).optional(),
});

const TIMEOUT_MS = 5000;

/** Asks GitHub `GET /app` as the app (JWT, no installation token), within {@link TIMEOUT_MS}. */
export async function checkGithubCredentials(app: Pick<Probot, 'auth'>): Promise<GithubCredentialsCheck> {
  try {
    const octokit = await app.auth();
    await octokit.request('GET /app', { request: { signal: AbortSignal.timeout(TIMEOUT_MS) } });
    return { state: 'ok' };
  } catch (error) {
    return classifyFailure(error);
  }
}

function classifyFailure(error: unknown): GithubCredentialsCheck {
  const http = HttpError.safeParse(error);
  // Not an answer from GitHub at all: the private key or app id cannot make a JWT.
  if (!http.success) return { state: 'refused', reason: `the app's credentials cannot be used: ${describe(error)}` };
  const { status, response } = http.data;
  const rateLimited = response?.headers['x-ratelimit-remaining'] === '0' || response?.headers['retry-after'] !== undefined;
  if (status >= 500 || status === 429 || rateLimited)
    return { state: 'unreachable', reason: `GitHub did not answer GET /app (HTTP ${status})` };
  return { state: 'refused', reason: `GitHub refused the app's credentials on GET /app (HTTP ${status}): check APP_ID and PRIVATE_KEY` };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : 'unknown error';
}
