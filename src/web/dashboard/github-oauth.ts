import { z } from 'zod';
import type { GitHubUrls } from './dashboard-env.js';

export type Fetch = typeof fetch;

const TokenAnswer = z.union([
  z.object({ access_token: z.string().min(1) }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);
const User = z.object({ login: z.string().min(1) });

/** GitHub's OAuth web flow, step 1: where to send the browser (`state` comes back to the callback). */
export function authorizeUrl(input: { github: GitHubUrls; clientId: string; redirectUri: string; state: string }): string {
  const params = new URLSearchParams({
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    state: input.state,
    allow_signup: 'false',
  });
  return `${input.github.web}/login/oauth/authorize?${params.toString()}`;
}

/** Why a sign-in could not be completed; shown to the user (never with a secret or a token in it). */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/** Step 2: the code from the callback for a user access token (`POST /login/oauth/access_token`, JSON answer). */
export async function exchangeCode(input: {
  fetch: Fetch;
  github: GitHubUrls;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
}): Promise<string> {
  const response = await input.fetch(`${input.github.web}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: input.clientId,
      client_secret: input.clientSecret,
      code: input.code,
      redirect_uri: input.redirectUri,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new SignInError(`GitHub answered the code exchange with HTTP ${response.status}`);
  const answer = TokenAnswer.safeParse(await response.json().catch(() => null));
  if (!answer.success) throw new SignInError('GitHub answered the code exchange with an unexpected body');
  // GitHub answers 200 with an `error` (e.g. bad_verification_code for an expired or reused code).
  if ('error' in answer.data)
    throw new SignInError(
      `GitHub refused the sign-in code: ${answer.data.error}${answer.data.error_description ? ` (${answer.data.error_description})` : ''}`,
    );
  return answer.data.access_token;
}

/** Step 3: who signed in (`GET /user` with the user's token). The token is used for this one request and not kept. */
export async function readUserLogin(input: { fetch: Fetch; github: GitHubUrls; token: string }): Promise<string> {
  const response = await input.fetch(`${input.github.api}/user`, {
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${input.token}`, 'x-github-api-version': '2022-11-28' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new SignInError(`GitHub answered GET /user with HTTP ${response.status}`);
  const user = User.safeParse(await response.json().catch(() => null));
  if (!user.success) throw new SignInError('GitHub answered GET /user without a login');
  return user.data.login;
}
