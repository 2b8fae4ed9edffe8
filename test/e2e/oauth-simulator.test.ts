import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { githubUrls, type GitHubUrls } from '../../src/web/dashboard/dashboard-env.js';
import { authorizeUrl, exchangeCode, readUserLogin, SignInError } from '../../src/web/dashboard/github-oauth.js';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/index.js';

/** The OAuth simulator's contract, checked with the dashboard's own OAuth client (in process, no app server). */
describe('the GitHub simulator’s OAuth web flow', () => {
  const client = { clientId: 'Iv1.contract', clientSecret: 'contract-secret' };
  const redirectUri = 'http://127.0.0.1:1/dashboard/callback';
  let github: GitHubSimulator;
  let urls: GitHubUrls;

  beforeAll(async () => {
    github = await startGitHubSimulator({ oauth: client });
    urls = githubUrls({ GHE_HOST: github.host, GHE_PROTOCOL: 'http' });
  });
  afterAll(() => github.stop());
  beforeEach(() => github.reset());

  /** What the browser does on the authorize page: submit a login; returns the code GitHub sends back. */
  async function authorize(login: string, state = 'st4te'): Promise<string> {
    const page = await fetch(authorizeUrl({ github: urls, clientId: client.clientId, redirectUri, state }));
    expect(await page.text()).toContain('<button type="submit">Authorize</button>');
    const submitted = new URL(authorizeUrl({ github: urls, clientId: client.clientId, redirectUri, state }));
    submitted.searchParams.set('login', login);
    const response = await fetch(submitted, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe(state);
    return location.searchParams.get('code') ?? '';
  }

  it('signs a login in: code, token once, then GET /user', async () => {
    const code = await authorize('carol');
    const token = await exchangeCode({ fetch, github: urls, ...client, code, redirectUri });
    expect(token).toMatch(/^ghu_/);
    expect(await readUserLogin({ fetch, github: urls, token })).toBe('carol');
    // A code is good once.
    await expect(exchangeCode({ fetch, github: urls, ...client, code, redirectUri })).rejects.toThrow(
      new SignInError('GitHub refused the sign-in code: bad_verification_code (The code passed is incorrect or expired.)'),
    );
    expect(github.unexpectedRequests()).toEqual([]);
  });

  it('refuses a wrong client secret and a redirect_uri other than the authorised one', async () => {
    await expect(
      exchangeCode({ fetch, github: urls, ...client, clientSecret: 'wrong', code: await authorize('carol'), redirectUri }),
    ).rejects.toThrow(/incorrect_client_credentials/);
    await expect(
      exchangeCode({ fetch, github: urls, ...client, code: await authorize('carol'), redirectUri: 'http://127.0.0.1:1/elsewhere' }),
    ).rejects.toThrow(/redirect_uri_mismatch/);
  });

  it('answers GET /user only with a user token it issued', async () => {
    await expect(readUserLogin({ fetch, github: urls, token: 'ghu_forged' })).rejects.toThrow(
      new SignInError('GitHub answered GET /user with HTTP 401'),
    );
    expect(github.unexpectedRequests()).toEqual([{ method: 'GET', path: '/api/v3/user', reason: 'no valid user token' }]);
  });

  it('knows only its own client', async () => {
    const response = await fetch(authorizeUrl({ github: urls, clientId: 'Iv1.other', redirectUri, state: 's' }));
    expect(response.status).toBe(404);
    expect(github.unexpectedRequests()).toEqual([
      { method: 'GET', path: '/login/oauth/authorize', reason: 'authorize with client_id Iv1.other' },
    ]);
  });
});
