import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Probot, ProbotOctokit } from 'probot';
import { SignInError } from '../../src/web/dashboard/github-oauth.js';
import { teamMembershipOf, type FindMemberTeam } from '../../src/web/dashboard/team-membership.js';
import { generateAppKey } from '../e2e/harness/start-app.js';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/index.js';

const APP_ID = 4242;
const COMPLIANCE = { org: 'acme', slug: 'compliance' };
const PLATFORM = { org: 'acme', slug: 'platform' };
const ELSEWHERE = { org: 'globex', slug: 'audit' };

describe('team membership, asked of the simulated GitHub as the app', () => {
  const key = generateAppKey();
  let github: GitHubSimulator;
  let findMemberTeam: FindMemberTeam;

  beforeAll(async () => {
    github = await startGitHubSimulator({ app: { id: APP_ID, publicKey: key.publicKey } });
  });
  afterAll(() => github.stop());
  beforeEach(() => {
    github.reset();
    github.addRepository({ owner: 'acme', repo: 'payments', installationId: 7, files: {} });
    github.addTeam({ ...COMPLIANCE, members: ['carol'] });
    github.addTeam({ ...PLATFORM, members: ['Dave'] });
    const probot = new Probot({
      appId: APP_ID,
      privateKey: key.privateKey,
      baseUrl: github.apiUrl,
      logLevel: 'fatal',
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    findMemberTeam = teamMembershipOf(probot);
  });

  it('finds the first team the login is an active member of, whatever the case of the login', async () => {
    expect(await findMemberTeam({ login: 'carol', teams: [COMPLIANCE, PLATFORM] })).toEqual(COMPLIANCE);
    expect(await findMemberTeam({ login: 'dave', teams: [COMPLIANCE, PLATFORM] })).toEqual(PLATFORM);
    expect(github.unexpectedRequests()).toEqual([]);
  });

  it('answers null for someone in none of the teams (GitHub answers 404)', async () => {
    expect(await findMemberTeam({ login: 'mallory', teams: [COMPLIANCE, PLATFORM] })).toBeNull();
    expect(
      github
        .requests()
        .filter((r) => r.path.includes('/memberships/'))
        .map((r) => r.status),
    ).toEqual([404, 404]);
  });

  it('asks for the organisation’s installation once', async () => {
    await findMemberTeam({ login: 'carol', teams: [COMPLIANCE] });
    await findMemberTeam({ login: 'dave', teams: [PLATFORM] });
    expect(github.requests().filter((r) => r.path === '/api/v3/orgs/acme/installation')).toHaveLength(1);
  });

  it('lets a yes from one team through when another team cannot be read', async () => {
    expect(await findMemberTeam({ login: 'carol', teams: [ELSEWHERE, COMPLIANCE] })).toEqual(COMPLIANCE);
  });

  it('fails, never answers no, when no team says yes and one cannot be read', async () => {
    await expect(findMemberTeam({ login: 'mallory', teams: [COMPLIANCE, ELSEWHERE] })).rejects.toThrow(
      new SignInError(
        'Change Control is not installed on the organisation globex, so it cannot read the team globex/audit (DASHBOARD_TEAMS).',
      ),
    );
    github.injectFailure({ path: /\/memberships\// });
    await expect(findMemberTeam({ login: 'carol', teams: [COMPLIANCE] })).rejects.toMatchObject({ status: 502 });
  });
});
