import type { RestClient } from './rest-client.js';

/** GitHub refuses comment bodies over 65,536 characters; a longer reply is cut with a note. */
const MAX_BODY = 65_536;

/** Posts one comment on an issue or pull request; returns its id and URL. */
export async function postComment(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  number: number;
  body: string;
}): Promise<{ id: number; url: string }> {
  const { octokit, owner, repo } = input;
  const cut = '\n\n… (cut: the full text is longer than a comment may be)';
  const body = input.body.length <= MAX_BODY ? input.body : `${input.body.slice(0, MAX_BODY - cut.length)}${cut}`;
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner,
    repo,
    issue_number: input.number,
    body,
  });
  return { id: Number(data.id), url: data.html_url };
}
