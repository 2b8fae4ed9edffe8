import type { Probot } from 'probot';
import type { DashboardTeam } from './dashboard-env.js';
import { SignInError } from './github-oauth.js';

/** The first of `teams` the login is an active member of, or null. Throws when GitHub cannot tell (the caller refuses entry). */
export type FindMemberTeam = (input: { login: string; teams: readonly DashboardTeam[] }) => Promise<DashboardTeam | null>;

const statusOf = (error: unknown): number | undefined => (error as { status?: number } | null)?.status;

/**
 * Team membership as the app sees it: the app's installation on the team's organisation (`GET /orgs/{org}/installation`
 * with the app's JWT), then `GET /orgs/{org}/teams/{team_slug}/memberships/{username}` with that installation's token
 * (the app has `members: read`). 404 means not a member; `pending` (invited) is not a member yet. A team that cannot
 * be read does not stop a yes from another team; without any yes, it makes the answer an error rather than a no.
 */
export function teamMembershipOf(app: Probot): FindMemberTeam {
  const installations = new Map<string, number>();
  async function installationOf(team: DashboardTeam): Promise<number> {
    const known = installations.get(team.org.toLowerCase());
    if (known !== undefined) return known;
    const octokit = await app.auth();
    try {
      const { data } = await octokit.request('GET /orgs/{org}/installation', { org: team.org });
      installations.set(team.org.toLowerCase(), data.id);
      return data.id;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      throw new SignInError(
        `Change Control is not installed on the organisation ${team.org}, so it cannot read the team ${team.org}/${team.slug} (DASHBOARD_TEAMS).`,
      );
    }
  }
  async function isActiveMember(team: DashboardTeam, login: string): Promise<boolean> {
    const octokit = await app.auth(await installationOf(team));
    try {
      const { data } = await octokit.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
        org: team.org,
        team_slug: team.slug,
        username: login,
      });
      return data.state === 'active';
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }
  return async ({ login, teams }) => {
    let failure: unknown = null;
    for (const team of teams) {
      try {
        if (await isActiveMember(team, login)) return team;
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
    return null;
  };
}
