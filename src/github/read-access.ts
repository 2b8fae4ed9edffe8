import { z } from 'zod';
import type { AccessFacts, Role } from '../policy/access-review.js';
import type { RestClient } from './rest-client.js';
import { readTeamMembers } from './read-team-members.js';

const Permissions = z.object({
  admin: z.boolean(),
  maintain: z.boolean().optional(),
  push: z.boolean(),
  triage: z.boolean().optional(),
  pull: z.boolean(),
});

/** The fields we use of GitHub's `collaborator`. */
const Collaborator = z.object({ login: z.string(), id: z.number(), permissions: Permissions.optional(), role_name: z.string().optional() });
/** The fields we use of GitHub's `team` in a repository context. */
const Team = z.object({ id: z.number(), slug: z.string(), permission: z.string(), permissions: Permissions.optional() });

/** The highest base role a permissions object grants (a custom role reads as the base role it builds on). */
function roleOf(permissions: z.infer<typeof Permissions> | undefined, fallback: string | undefined): Role {
  if (permissions) {
    if (permissions.admin) return 'admin';
    if (permissions.maintain) return 'maintain';
    if (permissions.push) return 'write';
    if (permissions.triage) return 'triage';
    return 'read';
  }
  const named: Record<string, Role> = {
    admin: 'admin',
    maintain: 'maintain',
    push: 'write',
    write: 'write',
    triage: 'triage',
    pull: 'read',
    read: 'read',
  };
  return named[fallback ?? ''] ?? 'read';
}

/**
 * Who has access to the repository and how: collaborators (all affiliations, then direct ones), the teams with
 * access and, for teams with write or above, their members (GraphQL, child teams included). REST reads:
 * 2 + one per page of 100 beyond the first, plus one GraphQL query per team with write access. Throws when
 * GitHub cannot be read: an access review that is missing people is never recorded.
 */
export async function readAccess(input: { octokit: RestClient; owner: string; repo: string }): Promise<AccessFacts> {
  const { octokit, owner, repo } = input;
  const all = z
    .array(Collaborator)
    .parse(await octokit.paginate('GET /repos/{owner}/{repo}/collaborators', { owner, repo, affiliation: 'all', per_page: 100 }));
  const direct = z
    .array(Collaborator)
    .parse(await octokit.paginate('GET /repos/{owner}/{repo}/collaborators', { owner, repo, affiliation: 'direct', per_page: 100 }));
  const teams = z.array(Team).parse(await octokit.paginate('GET /repos/{owner}/{repo}/teams', { owner, repo, per_page: 100 }));
  const withTeams = teams.map((team) => ({ slug: team.slug, id: team.id, role: roleOf(team.permissions, team.permission) }));
  // Only teams that can approve, merge or push are expanded: read and triage teams grant nothing the review lists.
  const writers = withTeams.filter((team) => team.role !== 'read' && team.role !== 'triage').map((team) => `${owner}/${team.slug}`);
  const members = writers.length > 0 ? await readTeamMembers({ graphql: octokit.graphql, teams: writers }) : {};
  // Sorted: GitHub's listing order is not part of the facts, and must not make a snapshot differ from the last one.
  const byName = (a: string, b: string) => a.localeCompare(b);
  return {
    collaborators: all
      .map((c) => ({ login: c.login, id: c.id, role: roleOf(c.permissions, c.role_name) }))
      .sort((a, b) => byName(a.login, b.login)),
    direct: direct.map((c) => c.login).sort(byName),
    teams: withTeams
      .map((team) => ({ ...team, members: [...(members[`${owner}/${team.slug}`] ?? [])].sort(byName) }))
      .sort((a, b) => byName(a.slug, b.slug)),
  };
}
