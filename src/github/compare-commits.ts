import { z } from 'zod';
import type { DiffFile } from '../policy/patch-id.js';
import type { RestClient } from './rest-client.js';

/** The fields of a `commit-comparison` the app uses. */
const Comparison = z.object({
  status: z.enum(['diverged', 'ahead', 'behind', 'identical']),
  merge_base_commit: z.object({ sha: z.string() }),
  files: z
    .array(
      z.object({
        filename: z.string(),
        previous_filename: z.string().optional(),
        status: z.string(),
        patch: z.string().optional(),
        sha: z.string().nullable(),
        changes: z.number(),
      }),
    )
    .optional(),
});

export interface ComparedCommits {
  status: z.infer<typeof Comparison>['status'];
  mergeBase: string;
  /** What `head` changes since the merge base; empty when GitHub lists no files. */
  files: DiffFile[];
}

/**
 * GitHub's three-dot comparison `base...head`: the merge base and what the head changes since it (one REST read).
 * `per_page: 1` keeps the commit list short: GitHub lists every file of the comparison on the first page anyway.
 */
export async function compareCommits(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  base: string;
  head: string;
}): Promise<ComparedCommits> {
  const { octokit, owner, repo, base, head } = input;
  const response = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
    owner,
    repo,
    basehead: `${base}...${head}`,
    per_page: 1,
  });
  const data = Comparison.parse(response.data);
  return {
    status: data.status,
    mergeBase: data.merge_base_commit.sha,
    files: (data.files ?? []).map((f) => ({
      filename: f.filename,
      previousFilename: f.previous_filename ?? null,
      status: f.status,
      patch: f.patch ?? null,
      sha: f.sha,
      changes: f.changes,
    })),
  };
}

/** A comparison by base and head, as `compareCommits` answers it. */
export type CompareCommits = (base: string, head: string) => Promise<ComparedCommits>;

/**
 * `compareCommits` of one repository, each (base, head) pair read at most once: made per evaluation, so the clean
 * base merges and the rebased approvals share their reads and a later evaluation reads afresh.
 */
export function cachedComparisons(input: { octokit: RestClient; owner: string; repo: string }): CompareCommits {
  const cache = new Map<string, Promise<ComparedCommits>>();
  return (base, head) => {
    const key = `${base}...${head}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const read = compareCommits({ ...input, base, head });
    cache.set(key, read);
    return read;
  };
}
