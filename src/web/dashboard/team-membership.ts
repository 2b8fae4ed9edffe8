import type { Probot } from 'probot';
import type { DashboardTeam } from './dashboard-env.js';

/** The first of `teams` the login is an active member of, or null. Throws when GitHub cannot tell (the caller refuses entry). */
export type FindMemberTeam = (input: { login: string; teams: readonly DashboardTeam[] }) => Promise<DashboardTeam | null>;

const statusOf = (error: unknown): number | undefined => (error as { status?: number } | null)?.status;

/**
 * Team membership as the app sees it: the app's installation on the team's organisation (`GET /orgs/{org}/installation`
 * with the app's JWT), then `GET /orgs/{org}/teams/{team_slug}/memberships/{username}` with that installation's token
 * (the app has `members: read`). 404 means not a member; `pending` (invited) is not a member yet.
 */
export function teamMembershipOf(app: Probot): FindMemberTeam {
  const installations = new Map<string, number>();
  async function installationOf(org: string): Promise<number> {
    const known = installations.get(org.toLowerCase());
    if (known !== undefined) return known;
    const octokit = await app.auth();
    const { data } = await octokit.request('GET /orgs/{org}/installation', { org });
    installations.set(org.toLowerCase(), data.id);
    return data.id;
  }
  return async ({ login, teams }) => {
    for (const team of teams) {
      const octokit = await app.auth(await installationOf(team.org));
      try {
        const { data } = await octokit.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org: team.org, team_slug: team.slug, username: login });
        if (data.state === 'active') return team;
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    return null;
  };
}
