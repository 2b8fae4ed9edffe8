/** Where the policy lives, in the repository and in the organisation's `.github` repository. */
export const CONFIG_PATH = '.github/change-control.yml';

/** The organisation's GitHub-login-to-ticket-identity mapping, in its `.github` repository (docs/tickets.md). */
export const PEOPLE_PATH = '.github/change-control-people.yml';

const COMMIT_FIELDS = `
  oid
  committedViaWeb
  parents(first: 2) { totalCount nodes { oid } }
  authors(first: 100) { totalCount nodes { name email user { login } } }
  committer { name email user { login } }
`;

const REVIEW_FIELDS = `
  author { __typename login }
  authorCanPushToRepository
  state
  submittedAt
  commit { oid }
`;

const CONTEXT_FIELDS = `
  __typename
  ... on CheckRun {
    databaseId name status conclusion startedAt completedAt detailsUrl url externalId
    checkSuite { app { databaseId slug } }
  }
  ... on StatusContext { context state description createdAt targetUrl creator { __typename login } }
`;

/**
 * Everything one evaluation needs in a single GraphQL request: the policy file from the default branch
 * of the repository and of the organisation's `.github` repository (never from the PR head) with the organisation's
 * people file (cross-system segregation of duties), the PR,
 * its commits with their resolved authors and committers, its reviews, and every check and status on
 * the head commit (including our own, to write only when the verdict changes).
 */
export const PULL_REQUEST_FACTS_QUERY = `
query ChangeControlFacts($owner: String!, $repo: String!, $number: Int!, $configPath: String!) {
  repository(owner: $owner, name: $repo) {
    nameWithOwner
    isPrivate
    defaultBranchRef {
      name
      target { ... on Commit { file(path: $configPath) { object { ... on Blob { oid text isBinary } } } } }
    }
    pullRequest(number: $number) {
      number title body url state
      merged mergedAt mergedBy { login } mergeCommit { oid parents(first: 1) { nodes { oid } } }
      author { __typename login }
      baseRefName headRefName headRefOid changedFiles
      commits(first: 100) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { commit { ${COMMIT_FIELDS} } }
      }
      reviews(first: 100) {
        pageInfo { hasNextPage endCursor }
        nodes { ${REVIEW_FIELDS} }
      }
      headCommit: commits(last: 1) {
        nodes {
          commit {
            oid
            statusCheckRollup {
              contexts(first: 100) {
                pageInfo { hasNextPage endCursor }
                nodes { ${CONTEXT_FIELDS} }
              }
            }
          }
        }
      }
    }
  }
  orgConfig: repository(owner: $owner, name: ".github") {
    nameWithOwner
    defaultBranchRef {
      target {
        ... on Commit {
          file(path: $configPath) { object { ... on Blob { oid text isBinary } } }
          peopleFile: file(path: "${PEOPLE_PATH}") { object { ... on Blob { oid text isBinary } } }
        }
      }
    }
  }
}`;

/** Further pages of a PR's commits, for PRs with more than 100. */
export const MORE_COMMITS_QUERY = `
query ChangeControlMoreCommits($owner: String!, $repo: String!, $number: Int!, $cursor: String!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      commits(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { commit { ${COMMIT_FIELDS} } }
      }
    }
  }
}`;

/** Further pages of a PR's reviews. */
export const MORE_REVIEWS_QUERY = `
query ChangeControlMoreReviews($owner: String!, $repo: String!, $number: Int!, $cursor: String!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviews(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { ${REVIEW_FIELDS} }
      }
    }
  }
}`;

/** Further pages of the checks and statuses on the head commit. */
export const MORE_CONTEXTS_QUERY = `
query ChangeControlMoreContexts($owner: String!, $repo: String!, $sha: GitObjectID!, $cursor: String!) {
  repository(owner: $owner, name: $repo) {
    object(oid: $sha) {
      ... on Commit {
        statusCheckRollup {
          contexts(first: 100, after: $cursor) {
            pageInfo { hasNextPage endCursor }
            nodes { ${CONTEXT_FIELDS} }
          }
        }
      }
    }
  }
}`;

/** Members of one team, a page at a time (`approval.teams`). */
export const TEAM_MEMBERS_QUERY = `
query ChangeControlTeamMembers($org: String!, $slug: String!, $cursor: String) {
  organization(login: $org) {
    team(slug: $slug) {
      members(first: 100, after: $cursor, membership: ALL) {
        pageInfo { hasNextPage endCursor }
        nodes { login }
      }
    }
  }
}`;
