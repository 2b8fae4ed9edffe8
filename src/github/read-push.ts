import { z } from 'zod';
import type { AssociatedPullRequest } from '../policy/judge-push.js';
import type { GraphqlClient } from './graphql-client.js';
import type { RestClient } from './rest-client.js';

/** Commits of a push read one by one; beyond this the evidence is recorded as incomplete (docs/audit-and-evidence.md). */
export const MAX_PUSH_COMMITS = 250;
const PER_PAGE = 100;

const GitUser = z.object({ name: z.string().optional(), email: z.string().optional() }).nullable();
const Account = z.object({ login: z.string() }).nullable();

/** The fields of a `commit-comparison` a push check uses. */
const Comparison = z.object({
  total_commits: z.number().int(),
  commits: z.array(
    z.object({
      sha: z.string(),
      commit: z.object({ message: z.string(), author: GitUser, committer: GitUser }),
      author: Account,
      committer: Account,
    }),
  ),
});

export interface ListedCommit {
  sha: string;
  headline: string;
  author: { name: string | null; email: string | null; login: string | null };
  committer: { name: string | null; email: string | null; login: string | null };
}

export interface ListedCommits {
  /** Oldest first, at most MAX_PUSH_COMMITS. */
  commits: ListedCommit[];
  total: number;
  /** Why the list is partial; null when it is whole. */
  incomplete: string | null;
}

/**
 * The commits reachable from `head` and not from `base` (`GET /compare/{base}...{head}`, 100 a page), oldest first, up
 * to MAX_PUSH_COMMITS. Never throws for a long or truncated list: it says what it could not read. Throws when GitHub
 * cannot be read (the queue retries).
 */
export async function listPushCommits(input: {
  octokit: RestClient;
  owner: string;
  repo: string;
  base: string;
  head: string;
}): Promise<ListedCommits> {
  const { octokit, owner, repo, base, head } = input;
  const commits: ListedCommit[] = [];
  let total = 0;
  for (let page = 1; commits.length < MAX_PUSH_COMMITS; page += 1) {
    const response = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: PER_PAGE,
      page,
    });
    const data = Comparison.parse(response.data);
    total = data.total_commits;
    for (const c of data.commits) {
      const identity = (git: z.infer<typeof GitUser>, account: z.infer<typeof Account>) => ({
        name: git?.name ?? null,
        email: git?.email ?? null,
        login: account?.login ?? null,
      });
      commits.push({
        sha: c.sha,
        headline: c.commit.message.split('\n')[0] ?? '',
        author: identity(c.commit.author, c.author),
        committer: identity(c.commit.committer, c.committer),
      });
    }
    if (commits.length >= total || data.commits.length === 0) break;
  }
  const listed = commits.slice(0, MAX_PUSH_COMMITS);
  if (listed.length >= total) return { commits: listed, total, incomplete: null };
  const why =
    total > MAX_PUSH_COMMITS
      ? `${total} commits, more than the ${MAX_PUSH_COMMITS} read one by one`
      : `GitHub listed ${listed.length} of ${total} commits`;
  return { commits: listed, total, incomplete: why };
}

const AssociatedPullRequests = z.object({
  associatedPullRequests: z.object({
    nodes: z.array(
      z.object({
        number: z.number().int(),
        merged: z.boolean(),
        baseRefName: z.string(),
        mergeCommit: z.object({ oid: z.string() }).nullable(),
      }),
    ),
  }),
});
const CommitsAnswer = z.object({ repository: z.record(z.string(), AssociatedPullRequests.nullable()) });

/** Commits asked about in one GraphQL query (each an aliased `object(oid:)`). */
const PER_QUERY = 100;

/**
 * The PRs GitHub associates with each commit (`Commit.associatedPullRequests`), 100 commits per GraphQL query.
 * A commit GitHub does not know has none. Throws when GitHub cannot be read.
 */
export async function readAssociatedPullRequests(input: {
  graphql: GraphqlClient;
  owner: string;
  repo: string;
  shas: string[];
}): Promise<Map<string, AssociatedPullRequest[]>> {
  const found = new Map<string, AssociatedPullRequest[]>();
  for (let start = 0; start < input.shas.length; start += PER_QUERY) {
    const chunk = input.shas.slice(start, start + PER_QUERY);
    const fields = chunk.map(
      (_, i) =>
        `c${i}: object(oid: $o${i}) { ... on Commit { associatedPullRequests(first: 10) { nodes { number merged baseRefName mergeCommit { oid } } } } }`,
    );
    const query = `query PushCommits($owner: String!, $repo: String!, ${chunk.map((_, i) => `$o${i}: GitObjectID!`).join(', ')}) {
  repository(owner: $owner, name: $repo) { ${fields.join('\n')} }
}`;
    const variables: Record<string, unknown> = { owner: input.owner, repo: input.repo };
    chunk.forEach((sha, i) => (variables[`o${i}`] = sha));
    const answer = CommitsAnswer.parse(await input.graphql(query, variables));
    chunk.forEach((sha, i) => {
      const nodes = answer.repository[`c${i}`]?.associatedPullRequests.nodes ?? [];
      found.set(
        sha,
        nodes.map((n) => ({ number: n.number, merged: n.merged, baseRefName: n.baseRefName, mergeCommit: n.mergeCommit?.oid ?? null })),
      );
    });
  }
  return found;
}
