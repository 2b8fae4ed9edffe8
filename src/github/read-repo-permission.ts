import type { RestClient } from './rest-client.js';

/** A person's base role on a repository: `maintain` reads as `write`, `triage` as `read` (GitHub's own mapping). */
export type RepoPermission = 'admin' | 'write' | 'read' | 'none';

/**
 * What `username` may do in the repository (`GET /repos/{owner}/{repo}/collaborators/{username}/permission`,
 * which an app reads with Metadata: read). GitHub answers 404 for a login that is not a user: no access.
 * Any other failure is thrown: a permission that cannot be read is never taken as granted or refused.
 */
export async function readRepoPermission(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  username: string;
}): Promise<RepoPermission> {
  const { octokit, owner, repo, username } = input;
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username });
    return data.permission === 'admin' || data.permission === 'write' || data.permission === 'read' ? data.permission : 'none';
  } catch (error) {
    if ((error as { status?: number }).status === 404) return 'none';
    throw error;
  }
}
