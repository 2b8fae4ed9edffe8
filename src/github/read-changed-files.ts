import type { ChangedFile } from '../policy/facts.js';
import type { RestClient } from './rest-client.js';

/** GitHub answered, but listed fewer files than the PR has: a decision by path cannot be made on the list. */
export class PartialFileListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartialFileListError';
  }
}

/**
 * Every file a PR changes, with the old path of renames (REST: GraphQL does not give it), 100 per call.
 * GitHub lists at most 3,000 files; a PR with more cannot be decided by path rules, so it is an error.
 */
export async function readChangedFiles(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  number: number;
  expected: number;
}): Promise<ChangedFile[]> {
  const files = await input.octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
    owner: input.owner,
    repo: input.repo,
    pull_number: input.number,
    per_page: 100,
  });
  if (files.length < input.expected) {
    throw new PartialFileListError(
      `GitHub listed ${files.length} of the ${input.expected} changed files of #${input.number}; path rules cannot be decided on a partial list`,
    );
  }
  return files.map((f) => ({
    path: f.filename,
    previousPath: f.previous_filename ?? null,
    additions: f.additions,
    deletions: f.deletions,
  }));
}
