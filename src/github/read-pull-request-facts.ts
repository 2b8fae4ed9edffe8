import type { CommitFact, GitIdentity, PullRequestReadFacts, ReviewFact } from '../policy/facts.js';
import { UnreadableFactError } from './unreadable-fact-error.js';
import { graphqlAllowingMissing, type GraphqlClient } from './graphql-client.js';
import { CHECK_RUN_NAME, STATUS_CONTEXT } from './names.js';
import {
  type CheckRunNode,
  type CommitNode,
  type ContextNode,
  MoreCommitsResponse,
  MoreContextsResponse,
  MoreReviewsResponse,
  parseGitHubAnswer,
  PullRequestFactsResponse,
  type ReviewNode,
  type StatusContextNode,
} from './pr-facts.schema.js';
import {
  CONFIG_PATH,
  MORE_COMMITS_QUERY,
  PEOPLE_PATH,
  MORE_CONTEXTS_QUERY,
  MORE_REVIEWS_QUERY,
  PULL_REQUEST_FACTS_QUERY,
} from './queries.js';
import { toCheckFact } from './to-check-fact.js';
import type { ConfigFile } from '../config/config-file.js';

export type { ConfigFile } from '../config/config-file.js';

/** What we published earlier on the head commit, so that we write only when something changed. */
export interface PublishedState {
  status: { state: string; description: string | null } | null;
  checkRun: { id: number; externalId: string | null; status: string; url: string } | null;
}

/** A merge read back from GitHub: whether, which commit, by whom, when. */
export interface MergeFacts {
  merged: boolean;
  mergeSha: string | null;
  /** The merge commit's first parent: the base branch as it was before the merge (null when unknown). */
  baseSha: string | null;
  mergedBy: string | null;
  mergedAt: string | null;
}

export type PullRequestRead =
  | { found: false; reason: string }
  | {
      found: true;
      /** What GitHub said; the facts only some policies need are gathered later (src/evaluation/gather.ts). */
      facts: PullRequestReadFacts;
      /** How many files GitHub says the PR changes (to check a file listing is complete). */
      changedFilesCount: number;
      open: boolean;
      /** The merge as GitHub reports it (never from a webhook payload); null when the answer did not say. */
      merge: MergeFacts | null;
      defaultBranch: string;
      repoConfig: ConfigFile | null;
      orgConfig: ConfigFile | null;
      /** The organisation's `.github/change-control-people.yml` from its default branch, null when there is none. */
      peopleFile: ConfigFile | null;
      published: PublishedState;
    };

/** A read that found the pull request. */
export type FoundPullRequest = Extract<PullRequestRead, { found: true }>;

/** A policy file from a GraphQL `file(path:)` answer; exported for the other readers of the policy (read-policy-files.ts). */
export function toConfigFile(
  repo: string,
  file: { object: { oid?: string; text?: string | null; isBinary?: boolean | null } | null } | null | undefined,
  path = CONFIG_PATH,
): ConfigFile | null {
  const blob = file?.object;
  if (!blob?.oid) return null;
  const text = blob.isBinary ? null : (blob.text ?? null);
  return { repo, path, blobSha: blob.oid, text };
}

function toCommitFact(node: CommitNode): CommitFact {
  const { commit } = node;
  if (commit.authors.nodes.length < commit.authors.totalCount) {
    // A co-author we cannot see could be the approver: never decide on a truncated list.
    throw new UnreadableFactError(
      `commit ${commit.oid} has ${commit.authors.totalCount} authors; GitHub returned ${commit.authors.nodes.length}`,
    );
  }
  const identities: GitIdentity[] = commit.authors.nodes.map((actor, index) => ({
    role: index === 0 ? 'author' : 'co-author',
    name: actor.name,
    email: actor.email,
    login: actor.user?.login ?? null,
  }));
  if (commit.committer) {
    identities.push({
      role: 'committer',
      name: commit.committer.name,
      email: commit.committer.email,
      login: commit.committer.user?.login ?? null,
    });
  }
  if (commit.parents.nodes.length < commit.parents.totalCount) {
    throw new UnreadableFactError(`commit ${commit.oid} has ${commit.parents.totalCount} parents; only 2 are supported`);
  }
  return { sha: commit.oid, parents: commit.parents.nodes.map((p) => p.oid), committedViaWeb: commit.committedViaWeb, identities };
}

function toReviewFact(node: ReviewNode): ReviewFact | null {
  // A review without an author (deleted account) or not yet submitted cannot be an approval.
  if (!node.author || !node.submittedAt) return null;
  return {
    reviewer: { login: node.author.login, isBot: node.author.__typename === 'Bot' || node.author.login.endsWith('[bot]') },
    state: node.state,
    commitSha: node.commit?.oid ?? null,
    submittedAt: node.submittedAt,
    reviewerCanPush: node.authorCanPushToRepository,
  };
}

function isOurs(node: ContextNode, appId: number): boolean {
  return node.__typename === 'CheckRun'
    ? node.name === CHECK_RUN_NAME && node.checkSuite.app?.databaseId === appId
    : node.context === STATUS_CONTEXT;
}

function publishedState(nodes: ContextNode[], appId: number): PublishedState {
  const ours = nodes.filter((n) => isOurs(n, appId));
  const runs = ours.filter((n): n is CheckRunNode => n.__typename === 'CheckRun').sort((a, b) => (b.databaseId ?? 0) - (a.databaseId ?? 0));
  const status = ours.find((n): n is StatusContextNode => n.__typename === 'StatusContext');
  const run = runs[0];
  return {
    status: status ? { state: status.state.toLowerCase(), description: status.description } : null,
    checkRun: run?.databaseId ? { id: run.databaseId, externalId: run.externalId, status: run.status, url: run.url } : null,
  };
}

/**
 * Reads the facts of one pull request with as few GitHub calls as possible: one GraphQL query, plus
 * one per further page of commits, reviews or checks (PRs with more than 100 of them).
 */
export async function readPullRequestFacts(input: {
  graphql: GraphqlClient;
  owner: string;
  repo: string;
  number: number;
  appId: number;
}): Promise<PullRequestRead> {
  const { graphql, owner, repo, number } = input;
  const raw = await graphqlAllowingMissing({
    graphql,
    query: PULL_REQUEST_FACTS_QUERY,
    variables: { owner, repo, number, configPath: CONFIG_PATH },
    optionalFields: ['orgConfig'],
    names: { orgConfig: `the organisation's ${owner}/.github repository` },
  });
  const data = parseGitHubAnswer(PullRequestFactsResponse, raw, 'ChangeControlFacts');
  const repository = data.repository;
  if (!repository) return { found: false, reason: `repository ${owner}/${repo} not found` };
  const pr = repository.pullRequest;
  if (!pr) return { found: false, reason: `pull request #${number} not found in ${owner}/${repo}` };
  if (!pr.author) throw new UnreadableFactError(`pull request #${number} has no author (deleted account): independence cannot be checked`);

  const commits = [...pr.commits.nodes];
  for (let page = pr.commits.pageInfo; page.hasNextPage;) {
    const more = parseGitHubAnswer(
      MoreCommitsResponse,
      await graphql(MORE_COMMITS_QUERY, { owner, repo, number, cursor: page.endCursor }),
      'ChangeControlMoreCommits',
    );
    commits.push(...more.repository.pullRequest.commits.nodes);
    page = more.repository.pullRequest.commits.pageInfo;
  }
  if (commits.length !== pr.commits.totalCount) {
    throw new Error(`GitHub listed ${commits.length} of the ${pr.commits.totalCount} commits of #${number}`);
  }
  const reviews = [...pr.reviews.nodes];
  for (let page = pr.reviews.pageInfo; page.hasNextPage;) {
    const more = parseGitHubAnswer(
      MoreReviewsResponse,
      await graphql(MORE_REVIEWS_QUERY, { owner, repo, number, cursor: page.endCursor }),
      'ChangeControlMoreReviews',
    );
    reviews.push(...more.repository.pullRequest.reviews.nodes);
    page = more.repository.pullRequest.reviews.pageInfo;
  }
  const head = pr.headCommit.nodes[0]?.commit;
  if (!head || head.oid !== pr.headRefOid) {
    throw new Error(`the last commit of #${number} is not its head ${pr.headRefOid}; GitHub may still be processing a push`);
  }
  const contexts = [...(head.statusCheckRollup?.contexts.nodes ?? [])];
  for (let page = head.statusCheckRollup?.contexts.pageInfo; page?.hasNextPage;) {
    const more = parseGitHubAnswer(
      MoreContextsResponse,
      await graphql(MORE_CONTEXTS_QUERY, { owner, repo, sha: pr.headRefOid, cursor: page.endCursor }),
      'ChangeControlMoreContexts',
    );
    contexts.push(...(more.repository.object.statusCheckRollup?.contexts.nodes ?? []));
    page = more.repository.object.statusCheckRollup?.contexts.pageInfo;
  }

  const facts: PullRequestReadFacts = {
    owner,
    repo,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    url: pr.url,
    author: { login: pr.author.login, isBot: pr.author.__typename === 'Bot' },
    baseRef: pr.baseRefName,
    headRef: pr.headRefName,
    headSha: pr.headRefOid,
    commits: commits.map(toCommitFact),
    reviews: reviews.map(toReviewFact).filter((r): r is ReviewFact => r !== null),
    checks: contexts.filter((n) => !isOurs(n, input.appId)).map(toCheckFact),
    // Unknown visibility counts as public: ticket details are then kept out of the report.
    visibility: repository.isPrivate === true ? 'private' : 'public',
  };
  return {
    found: true,
    facts,
    changedFilesCount: pr.changedFiles,
    open: pr.state === 'OPEN',
    merge:
      pr.merged === undefined
        ? null
        : {
            merged: pr.merged,
            mergeSha: pr.mergeCommit?.oid ?? null,
            baseSha: pr.mergeCommit?.parents?.nodes[0]?.oid ?? null,
            mergedBy: pr.mergedBy?.login ?? null,
            mergedAt: pr.mergedAt ?? null,
          },
    defaultBranch: repository.defaultBranchRef?.name ?? '',
    repoConfig: toConfigFile(repository.nameWithOwner, repository.defaultBranchRef?.target?.file),
    orgConfig: data.orgConfig ? toConfigFile(data.orgConfig.nameWithOwner, data.orgConfig.defaultBranchRef?.target?.file) : null,
    peopleFile: data.orgConfig
      ? toConfigFile(data.orgConfig.nameWithOwner, data.orgConfig.defaultBranchRef?.target?.peopleFile, PEOPLE_PATH)
      : null,
    published: publishedState(contexts, input.appId),
  };
}
