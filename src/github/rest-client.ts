import type { ProbotOctokit } from 'probot';

/** The installation's Octokit as Probot hands it to a handler: REST, GraphQL and the plugins. */
export type RestClient = InstanceType<typeof ProbotOctokit>;
