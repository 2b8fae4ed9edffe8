import type { TeamMembers } from '../policy/facts.js';
import { graphqlAllowingMissing, type GraphqlClient } from './graphql-client.js';
import { parseGitHubAnswer, TeamMembersResponse } from './pr-facts.schema.js';
import { TEAM_MEMBERS_QUERY } from './queries.js';

/** Raised when a configured team cannot be read: the approval control cannot be decided. */
export class TeamNotFoundError extends Error {
  constructor(readonly team: string) {
    super(
      `team ${team} (in approval.teams or approval.rules) does not exist or the app cannot see it (it needs the Members: read permission)`,
    );
    this.name = 'TeamNotFoundError';
  }
}

/** Members (lower-cased logins, including child teams) of each `org/slug` team, one query per page of 100. */
export async function readTeamMembers(input: { graphql: GraphqlClient; teams: string[] }): Promise<TeamMembers> {
  const members: TeamMembers = {};
  for (const team of input.teams) {
    const [org, slug] = team.split('/') as [string, string];
    const logins: string[] = [];
    let cursor: string | null = null;
    do {
      const raw = await graphqlAllowingMissing({
        graphql: input.graphql,
        query: TEAM_MEMBERS_QUERY,
        variables: { org, slug, cursor },
        optionalFields: ['organization'],
      });
      const data = parseGitHubAnswer(TeamMembersResponse, raw, 'ChangeControlTeamMembers');
      const page = data.organization?.team?.members;
      if (!page) throw new TeamNotFoundError(team);
      logins.push(...page.nodes.map((n) => n.login.toLowerCase()));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor !== null);
    members[team] = logins;
  }
  return members;
}
