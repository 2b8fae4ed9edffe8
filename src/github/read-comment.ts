import { z } from 'zod';
import type { RestClient } from './rest-client.js';

/** The fields of GitHub's issue comment we use (https://docs.github.com/en/rest/issues/comments#get-an-issue-comment). */
const IssueComment = z.object({
  id: z.number(),
  html_url: z.string(),
  created_at: z.string(),
  body: z.string().nullable().optional(),
  user: z.object({ login: z.string(), type: z.string() }).nullable(),
});

export interface ReadComment {
  id: number;
  url: string;
  /** When it was written (GitHub's clock): the head its author looked at is the head at this time. */
  createdAt: string;
  body: string;
  author: { login: string; type: string } | null;
}

/**
 * A comment as GitHub has it now, by id: the author and body that decide a `/change-control` command come from
 * here, never from the webhook payload alone. Null when the comment is gone (deleted: nothing to run); throws
 * on any other failure.
 */
export async function readComment(input: { octokit: RestClient; owner: string; repo: string; id: number }): Promise<ReadComment | null> {
  const { octokit, owner, repo, id } = input;
  let data: unknown;
  try {
    ({ data } = await octokit.request('GET /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: id }));
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
  const comment = IssueComment.parse(data);
  return { id: comment.id, url: comment.html_url, createdAt: comment.created_at, body: comment.body ?? '', author: comment.user };
}
