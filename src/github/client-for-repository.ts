import type { Probot } from 'probot';
import type { RestClient } from './rest-client.js';

/** The app is not installed on the repository (or the repository does not exist, or the app cannot see it). */
export class NoInstallationError extends Error {
  override readonly name = 'NoInstallationError';
}

const statusOf = (error: unknown): number | null =>
  typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number'
    ? (error as { status: number }).status
    : null;

/**
 * A client for one repository: as the app's installation on it (`GET /repos/{owner}/{repo}/installation` with
 * the app's JWT, then the installation's token, as Probot gives a handler), or, for `token`, the Probot's own
 * client (a personal token given as `githubToken`). Throws NoInstallationError when the app is not installed there.
 */
export async function clientForRepository(input: {
  probot: Probot;
  owner: string;
  repo: string;
  auth: 'app' | 'token';
}): Promise<RestClient> {
  const { probot, owner, repo } = input;
  const appClient = await probot.auth();
  if (input.auth === 'token') return appClient;
  try {
    const { data } = await appClient.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
    return await probot.auth(data.id);
  } catch (error) {
    if (statusOf(error) === 404)
      throw new NoInstallationError(`the app is not installed on ${owner}/${repo} (or the repository does not exist)`);
    throw error;
  }
}
