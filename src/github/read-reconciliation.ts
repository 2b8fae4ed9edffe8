import { z } from 'zod';
import type { BranchCommit } from '../policy/find-unrecorded.js';
import type { GraphqlClient } from './graphql-client.js';

/** A merged PR as the sweep lists it: what a merge claim needs. */
export interface ListedMerge {
  number: number;
  title: string;
  url: string;
  author: string;
  baseRef: string;
  headSha: string;
  mergeSha: string | null;
  mergedBy: string | null;
  mergedAt: string;
}

export interface ReconciliationRead {
  /** PRs merged into a branch `isControlled` accepts at or after `since`, newest update first. */
  merges: ListedMerge[];
  /** The commits GitHub lists on each branch committed at or after `since`, newest first. */
  commits: Map<string, BranchCommit[]>;
  /** GraphQL requests sent. */
  requests: number;
}

export const RECONCILIATION_QUERY = `query Reconcile($owner: String!, $repo: String!, $ref: String!, $since: GitTimestamp!, $pullsAfter: String, $historyAfter: String, $withPulls: Boolean!, $withHistory: Boolean!) {
  repository(owner: $owner, name: $repo) {
    pullRequests(states: MERGED, orderBy: {field: UPDATED_AT, direction: DESC}, first: 100, after: $pullsAfter) @include(if: $withPulls) {
      pageInfo { hasNextPage endCursor }
      nodes { number title url author { login } baseRefName headRefOid mergeCommit { oid } mergedBy { login } mergedAt updatedAt }
    }
    ref(qualifiedName: $ref) @include(if: $withHistory) {
      target {
        ... on Commit {
          history(first: 100, since: $since, after: $historyAfter) {
            pageInfo { hasNextPage endCursor }
            nodes {
              oid
              parents(first: 1) { nodes { oid } }
              associatedPullRequests(first: 5) { nodes { number merged baseRefName mergeCommit { oid } } }
            }
          }
        }
      }
    }
  }
}`;

const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const Login = z.object({ login: z.string() }).nullable();
const Answer = z.object({
  repository: z.object({
    pullRequests: z
      .object({
        pageInfo: PageInfo,
        nodes: z.array(
          z.object({
            number: z.number().int(),
            title: z.string(),
            url: z.string(),
            author: Login,
            baseRefName: z.string(),
            headRefOid: z.string(),
            mergeCommit: z.object({ oid: z.string() }).nullable(),
            mergedBy: Login,
            mergedAt: z.string().nullable(),
            updatedAt: z.string(),
          }),
        ),
      })
      .optional(),
    ref: z
      .object({
        target: z.object({
          history: z
            .object({
              pageInfo: PageInfo,
              nodes: z.array(
                z.object({
                  oid: z.string(),
                  parents: z.object({ nodes: z.array(z.object({ oid: z.string() })) }),
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
                }),
              ),
            })
            .optional(),
        }),
      })
      .nullable()
      .optional(),
  }),
});

/**
 * What GitHub holds on a repository's controlled branches since `since`: the merged PRs (`pullRequests(states: MERGED)`
 * newest update first, read until a page reaches updates older than `since`: a PR's last update is never before its
 * merge) and each branch's commits (`history(since:)`), 100 of each per request, both in the same requests while both
 * have pages left. Throws when GitHub cannot be read (the sweep is retried and its watermark stays where it was).
 */
export async function readReconciliation(input: {
  graphql: GraphqlClient;
  owner: string;
  repo: string;
  branches: string[];
  since: string;
  isControlled: (baseRef: string) => boolean;
}): Promise<ReconciliationRead> {
  const { graphql, owner, repo, since } = input;
  const sinceMs = Date.parse(since);
  const merges: ListedMerge[] = [];
  const commits = new Map<string, BranchCommit[]>(input.branches.map((b) => [b, []]));
  const branches = [...input.branches];
  let pulls: { done: boolean; after: string | null } = { done: false, after: null };
  let history: { after: string | null } = { after: null };
  let requests = 0;
  while (!pulls.done || branches.length > 0) {
    const branch = branches[0];
    const variables = {
      owner,
      repo,
      ref: `refs/heads/${branch ?? ''}`,
      since,
      pullsAfter: pulls.after,
      historyAfter: history.after,
      withPulls: !pulls.done,
      withHistory: branch !== undefined,
    };
    const answer = Answer.parse(await graphql(RECONCILIATION_QUERY, variables));
    requests += 1;
    const listed = answer.repository.pullRequests;
    if (listed) {
      for (const pr of listed.nodes) {
        if (pr.mergedAt === null || Date.parse(pr.mergedAt) < sinceMs || !input.isControlled(pr.baseRefName)) continue;
        merges.push({
          number: pr.number,
          title: pr.title,
          url: pr.url,
          // A deleted account shows as null: GitHub's placeholder name for it.
          author: pr.author?.login ?? 'ghost',
          baseRef: pr.baseRefName,
          headSha: pr.headRefOid,
          mergeSha: pr.mergeCommit?.oid ?? null,
          mergedBy: pr.mergedBy?.login ?? null,
          mergedAt: pr.mergedAt,
        });
      }
      const last = listed.nodes.at(-1);
      const older = last === undefined || Date.parse(last.updatedAt) < sinceMs;
      pulls = listed.pageInfo.hasNextPage && !older ? { done: false, after: listed.pageInfo.endCursor } : { done: true, after: null };
    }
    if (branch === undefined) continue;
    const page = answer.repository.ref?.target.history;
    for (const node of page?.nodes ?? []) {
      commits.get(branch)?.push({
        sha: node.oid,
        parent: node.parents.nodes[0]?.oid ?? null,
        pullRequests: node.associatedPullRequests.nodes.map((n) => ({
          number: n.number,
          merged: n.merged,
          baseRefName: n.baseRefName,
          mergeCommit: n.mergeCommit?.oid ?? null,
        })),
      });
    }
    if (page?.pageInfo.hasNextPage) history = { after: page.pageInfo.endCursor };
    else {
      branches.shift();
      history = { after: null };
    }
  }
  return { merges, commits, requests };
}
