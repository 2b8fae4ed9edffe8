import type { CommitFact } from '../policy/facts.js';
import type { RestClient } from './rest-client.js';

type ComparedFile = { filename: string; patch?: string | undefined; status: string };

/**
 * The added and removed lines of each file of a comparison: what a diff changes, whatever its line
 * numbers. Null when a file has no patch (binary or too large): then the merge cannot be proven clean.
 */
function changedLines(files: ComparedFile[]): string | null {
  if (files.some((f) => f.patch === undefined && f.status !== 'removed' && f.status !== 'renamed')) return null;
  return files
    .map((f) => {
      const lines = (f.patch ?? `<${f.status}>`).split('\n').filter((l) => /^[+-]/.test(l));
      return `${f.filename}\n${lines.join('\n')}`;
    })
    .sort()
    .join('\n');
}

/**
 * Merge commits of the PR that only bring in the base branch (`approval.ignore_base_merges`). A commit
 * qualifies by its parents, never its message: two parents, the second already on the base branch, and
 * the merge changes exactly what the base branch changed since the fork point (no edit slipped into the
 * merge or its conflict resolution). Three REST reads per merge commit; a failed read fails the evaluation.
 */
export async function findCleanBaseMerges(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  baseRef: string;
  commits: CommitFact[];
}): Promise<string[]> {
  const { octokit, owner, repo } = input;
  const compare = async (base: string, head: string) =>
    (await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo, basehead: `${base}...${head}`, per_page: 100 }))
      .data;
  const clean: string[] = [];
  for (const commit of input.commits) {
    const [first, second] = commit.parents;
    if (commit.parents.length !== 2 || !first || !second) continue;
    const onBase = await compare(input.baseRef, second);
    if (onBase.status !== 'behind' && onBase.status !== 'identical') continue;
    const [mergeChanges, baseChanges] = await Promise.all([compare(first, commit.sha), compare(first, second)]);
    // A comparison truncated at 300 files cannot prove the merge clean.
    if ((mergeChanges.files?.length ?? 0) >= 300 || (baseChanges.files?.length ?? 0) >= 300) continue;
    const merged = changedLines(mergeChanges.files ?? []);
    if (merged !== null && merged === changedLines(baseChanges.files ?? [])) clean.push(commit.sha);
  }
  return clean;
}
