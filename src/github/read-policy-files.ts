import { z } from 'zod';
import { graphqlAllowingMissing, type GraphqlClient } from './graphql-client.js';
import { parseGitHubAnswer } from './pr-facts.schema.js';
import { CONFIG_PATH } from './queries.js';
import type { ConfigFile } from '../config/config-file.js';
import { toConfigFile } from './read-pull-request-facts.js';

/**
 * The policy files alone, from the default branch of the repository and of the organisation's `.github`
 * repository, for events that concern no pull request (deployments). Never from the deployed ref: a
 * deployment of a branch that loosens the policy must still be judged by the policy in force.
 */
export const POLICY_FILES_QUERY = `
query ChangeControlPolicy($owner: String!, $repo: String!, $configPath: String!) {
  repository(owner: $owner, name: $repo) {
    nameWithOwner
    defaultBranchRef {
      name
      target { ... on Commit { file(path: $configPath) { object { ... on Blob { oid text isBinary } } } } }
    }
  }
  orgConfig: repository(owner: $owner, name: ".github") {
    nameWithOwner
    defaultBranchRef {
      target { ... on Commit { file(path: $configPath) { object { ... on Blob { oid text isBinary } } } } }
    }
  }
}`;

const FileNode = z
  .object({
    object: z
      .object({ oid: z.string().optional(), text: z.string().nullable().optional(), isBinary: z.boolean().nullable().optional() })
      .nullable(),
  })
  .nullable();
const Target = z.object({ file: FileNode.optional() }).nullable();

const PolicyFilesResponse = z.object({
  repository: z
    .object({ nameWithOwner: z.string(), defaultBranchRef: z.object({ name: z.string(), target: Target }).nullable() })
    .nullable(),
  orgConfig: z
    .object({ nameWithOwner: z.string(), defaultBranchRef: z.object({ target: Target }).nullable() })
    .nullable()
    .optional(),
});

export type PolicyFilesRead =
  { found: false; reason: string } | { found: true; defaultBranch: string; repoConfig: ConfigFile | null; orgConfig: ConfigFile | null };

/** One GraphQL query. Throws when GitHub cannot be read; a repository the app cannot see is `found: false`. */
export async function readPolicyFiles(input: { graphql: GraphqlClient; owner: string; repo: string }): Promise<PolicyFilesRead> {
  const { owner, repo } = input;
  const raw = await graphqlAllowingMissing({
    graphql: input.graphql,
    query: POLICY_FILES_QUERY,
    variables: { owner, repo, configPath: CONFIG_PATH },
    optionalFields: ['orgConfig'],
    names: { orgConfig: `the organisation's ${owner}/.github repository` },
  });
  const data = parseGitHubAnswer(PolicyFilesResponse, raw, 'ChangeControlPolicy');
  const repository = data.repository;
  if (!repository) return { found: false, reason: `repository ${owner}/${repo} not found` };
  return {
    found: true,
    defaultBranch: repository.defaultBranchRef?.name ?? '',
    repoConfig: toConfigFile(repository.nameWithOwner, repository.defaultBranchRef?.target?.file),
    orgConfig: data.orgConfig ? toConfigFile(data.orgConfig.nameWithOwner, data.orgConfig.defaultBranchRef?.target?.file) : null,
  };
}
