import { z } from 'zod';

/** Parses a GitHub answer; a shape we do not expect is an error that names the query and the first field. */
export function parseGitHubAnswer<T extends z.ZodType>(schema: T, answer: unknown, query: string): z.infer<T> {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || '(root)';
  throw new Error(`GitHub answered ${query} with an unexpected shape at ${where}: ${issue?.message ?? 'invalid'}`);
}

/** Zod schemas of the parts of GitHub's GraphQL answers that we use (see queries.ts). */

const GitActor = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  user: z.object({ login: z.string() }).nullable(),
});

export const CommitNode = z.object({
  commit: z.object({
    oid: z.string(),
    committedViaWeb: z.boolean(),
    parents: z.object({ totalCount: z.number(), nodes: z.array(z.object({ oid: z.string() })) }),
    authors: z.object({ totalCount: z.number(), nodes: z.array(GitActor) }),
    committer: GitActor.nullable(),
  }),
});
export type CommitNode = z.infer<typeof CommitNode>;

const ActorRef = z.object({ __typename: z.string(), login: z.string() }).nullable();

export const ReviewNode = z.object({
  author: ActorRef,
  authorCanPushToRepository: z.boolean(),
  state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING']),
  submittedAt: z.string().nullable(),
  commit: z.object({ oid: z.string() }).nullable(),
});
export type ReviewNode = z.infer<typeof ReviewNode>;

export const CheckRunNode = z.object({
  __typename: z.literal('CheckRun'),
  databaseId: z.number().nullable(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  detailsUrl: z.string().nullable(),
  url: z.string(),
  externalId: z.string().nullable(),
  checkSuite: z.object({ app: z.object({ databaseId: z.number().nullable(), slug: z.string() }).nullable() }),
});
export type CheckRunNode = z.infer<typeof CheckRunNode>;

export const StatusContextNode = z.object({
  __typename: z.literal('StatusContext'),
  context: z.string(),
  state: z.enum(['ERROR', 'EXPECTED', 'FAILURE', 'PENDING', 'SUCCESS']),
  description: z.string().nullable(),
  createdAt: z.string(),
  targetUrl: z.string().nullable(),
  creator: z.object({ __typename: z.string(), login: z.string() }).nullable(),
});
export type StatusContextNode = z.infer<typeof StatusContextNode>;

export const ContextNode = z.discriminatedUnion('__typename', [CheckRunNode, StatusContextNode]);
export type ContextNode = z.infer<typeof ContextNode>;

export const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

export const Contexts = z.object({ pageInfo: PageInfo, nodes: z.array(ContextNode) });

const ConfigFile = z
  .object({
    object: z
      .object({ oid: z.string().optional(), text: z.string().nullable().optional(), isBinary: z.boolean().nullable().optional() })
      .nullable(),
  })
  .nullable();

const DefaultBranchTarget = z.object({ file: ConfigFile.optional() }).nullable();

export const PullRequestFactsResponse = z.object({
  repository: z
    .object({
      nameWithOwner: z.string(),
      isPrivate: z.boolean().optional(),
      defaultBranchRef: z.object({ name: z.string(), target: DefaultBranchTarget }).nullable(),
      pullRequest: z
        .object({
          number: z.number(),
          title: z.string(),
          body: z.string(),
          url: z.string(),
          state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
          // Optional in the schema so an answer without them reads as "merge facts unknown", never as "not merged".
          merged: z.boolean().optional(),
          mergedAt: z.string().nullable().optional(),
          mergedBy: z.object({ login: z.string() }).nullable().optional(),
          mergeCommit: z
            .object({ oid: z.string(), parents: z.object({ nodes: z.array(z.object({ oid: z.string() })) }).optional() })
            .nullable()
            .optional(),
          author: ActorRef,
          baseRefName: z.string(),
          headRefName: z.string(),
          headRefOid: z.string(),
          changedFiles: z.number(),
          commits: z.object({ totalCount: z.number(), pageInfo: PageInfo, nodes: z.array(CommitNode) }),
          reviews: z.object({ pageInfo: PageInfo, nodes: z.array(ReviewNode) }),
          headCommit: z.object({
            nodes: z.array(
              z.object({ commit: z.object({ oid: z.string(), statusCheckRollup: z.object({ contexts: Contexts }).nullable() }) }),
            ),
          }),
        })
        .nullable(),
    })
    .nullable(),
  orgConfig: z
    .object({
      nameWithOwner: z.string(),
      defaultBranchRef: z
        .object({ target: z.object({ file: ConfigFile.optional(), peopleFile: ConfigFile.optional() }).nullable() })
        .nullable(),
    })
    .nullable()
    .optional(),
});
export type PullRequestFactsResponse = z.infer<typeof PullRequestFactsResponse>;

export const MoreCommitsResponse = z.object({
  repository: z.object({
    pullRequest: z.object({ commits: z.object({ pageInfo: PageInfo, nodes: z.array(CommitNode) }) }),
  }),
});

export const MoreReviewsResponse = z.object({
  repository: z.object({
    pullRequest: z.object({ reviews: z.object({ pageInfo: PageInfo, nodes: z.array(ReviewNode) }) }),
  }),
});

export const MoreContextsResponse = z.object({
  repository: z.object({ object: z.object({ statusCheckRollup: z.object({ contexts: Contexts }).nullable() }) }),
});

export const TeamMembersResponse = z.object({
  organization: z
    .object({
      team: z.object({ members: z.object({ pageInfo: PageInfo, nodes: z.array(z.object({ login: z.string() })) }) }).nullable(),
    })
    .nullable(),
});
