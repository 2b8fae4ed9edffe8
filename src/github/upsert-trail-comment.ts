import type { RestClient } from './rest-client.js';

/** Marks the app's one trail comment on a PR. */
export const TRAIL_MARKER = '<!-- change-control:trail -->';

/**
 * Creates the PR's trail comment, or updates it in place when `commentId` is known. A comment that was
 * deleted (404) is created again. Returns the comment id to remember.
 */
export async function upsertTrailComment(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  number: number;
  commentId: number | null;
  body: string;
}): Promise<number> {
  const { octokit, owner, repo } = input;
  const body = `${TRAIL_MARKER}\n${input.body}`;
  if (input.commentId !== null) {
    try {
      await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: input.commentId, body });
      return input.commentId;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner,
    repo,
    issue_number: input.number,
    body,
  });
  return Number(data.id);
}
