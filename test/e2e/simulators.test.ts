import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Probot, ProbotOctokit } from 'probot';
import { readPullRequestFacts } from '../../src/github/read-pull-request-facts.js';
import { readTeamMembers } from '../../src/github/read-team-members.js';
import { CONFIG_PATH, PULL_REQUEST_FACTS_QUERY } from '../../src/github/queries.js';
import { createJiraTicketReader } from '../../src/tickets/jira/create-jira-ticket-reader.js';
import { TicketProviderError } from '../../src/tickets/ticket-reader.js';
import { startSimulators, type Simulators } from '../simulators/index.js';
import { generateAppKey } from './harness/start-app.js';

/**
 * The simulators' contract, checked with the app's own GitHub and Jira readers (in process, no server): if these pass,
 * the end-to-end tests exercise the app against GitHub's and Jira's real shapes, not against the simulators' mistakes.
 */

const APP_ID = 77;
const INSTALLATION = 5;
const key = generateAppKey();
/** What a policy with the default ticket settings asks of a lookup. */
const QUERY = { approvedStatuses: ['Approved'], jsmApprovals: false, window: null };
let sims: Simulators;
let probot: Probot;

beforeAll(async () => {
  sims = await startSimulators({ github: { app: { id: APP_ID, publicKey: key.publicKey } } });
  probot = new Probot({
    appId: APP_ID,
    privateKey: key.privateKey,
    baseUrl: sims.github.apiUrl,
    logLevel: 'fatal',
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
});
afterAll(async () => {
  await sims?.stop();
});
afterEach(() => sims.reset());

const installationOctokit = () => probot.auth(INSTALLATION);

function seed(): { owner: string; repo: string; number: number; headSha: string } {
  const { github } = sims;
  github.addRepository({
    owner: 'acme',
    repo: 'api',
    installationId: INSTALLATION,
    files: { [CONFIG_PATH]: 'ticket:\n  projects: [CHG]\n' },
  });
  const pr = github.openPullRequest({
    owner: 'acme',
    repo: 'api',
    title: 'CHG-7: add rate limits',
    author: 'alice',
    headRef: 'rate-limits',
    commits: [{ coAuthors: ['carol'] }, { committedViaWeb: true }],
  });
  const headSha = github.pullRequest({ owner: 'acme', repo: 'api', number: pr.number }).headSha;
  github.addReview({ owner: 'acme', repo: 'api', number: pr.number, reviewer: 'bob' });
  github.addCheckRun({ owner: 'acme', repo: 'api', sha: headSha, name: 'build', conclusion: 'failure' });
  github.addStatus({ owner: 'acme', repo: 'api', sha: headSha, context: 'lint', state: 'pending' });
  github.addStatus({ owner: 'acme', repo: 'api', sha: headSha, context: 'lint', state: 'success' });
  return { owner: 'acme', repo: 'api', number: pr.number, headSha };
}

describe('GitHub simulator: GraphQL against the real schema', () => {
  it("answers the app's facts query with the state it holds", async () => {
    const { headSha, ...ref } = seed();
    const octokit = await installationOctokit();

    const read = await readPullRequestFacts({ graphql: octokit.graphql, ...ref, appId: APP_ID });

    if (!read.found) throw new Error(read.reason);
    expect(read.defaultBranch).toBe('main');
    expect(read.repoConfig).toMatchObject({ repo: 'acme/api', text: 'ticket:\n  projects: [CHG]\n' });
    expect(read.orgConfig).toBeNull(); // acme/.github does not exist: GitHub's NOT_FOUND, tolerated
    expect(read.facts.headSha).toBe(headSha);
    expect(read.facts.commits.map((c) => c.identities.map((i) => `${i.role}:${i.login}`))).toEqual([
      ['author:alice', 'co-author:carol', 'committer:alice'],
      ['author:alice', 'committer:web-flow'],
    ]);
    expect(read.facts.commits[1]?.committedViaWeb).toBe(true);
    expect(read.facts.reviews).toEqual([
      expect.objectContaining({ reviewer: { login: 'bob', isBot: false }, state: 'APPROVED', commitSha: headSha }),
    ]);
    // The rollup keeps the latest status per context.
    expect(read.facts.checks.map((c) => `${c.name}:${c.raw}`).sort()).toEqual(['build:COMPLETED/FAILURE', 'lint:SUCCESS']);
    expect(sims.unexpectedRequests().github).toEqual([]);
  });

  it("pages commits, reviews and checks past 100 like GitHub, so the app's further-page queries run", async () => {
    const { github } = sims;
    github.addRepository({ owner: 'acme', repo: 'big', installationId: INSTALLATION });
    const commits = Array.from({ length: 130 }, (_, i) => ({ message: `step ${i}` }));
    const pr = github.openPullRequest({ owner: 'acme', repo: 'big', title: 'CHG-8', author: 'alice', headRef: 'big', commits });
    const ref = { owner: 'acme', repo: 'big', number: pr.number };
    const { headSha } = github.pullRequest(ref);
    for (let i = 0; i < 120; i += 1) github.addCheckRun({ ...ref, sha: headSha, name: `shard-${i}` });
    for (let i = 0; i < 105; i += 1) github.addReview({ ...ref, reviewer: `reviewer-${i}`, state: 'COMMENTED' });
    const octokit = await installationOctokit();

    const read = await readPullRequestFacts({ graphql: octokit.graphql, ...ref, appId: APP_ID });

    if (!read.found) throw new Error(read.reason);
    expect(read.facts.commits).toHaveLength(130);
    expect(read.facts.checks).toHaveLength(120);
    expect(read.facts.reviews).toHaveLength(105);
    const operations = github
      .requests()
      .filter((r) => r.kind === 'graphql')
      .map((r) => r.operationName);
    expect(operations).toEqual(['ChangeControlFacts', 'ChangeControlMoreCommits', 'ChangeControlMoreReviews', 'ChangeControlMoreContexts']);
    expect(sims.unexpectedRequests().github).toEqual([]);
  });

  it('answers a missing repository with data null and a NOT_FOUND error, as GitHub does', async () => {
    sims.github.addRepository({ owner: 'acme', repo: 'other', installationId: INSTALLATION });
    const octokit = await installationOctokit();

    const error = await octokit
      .graphql(PULL_REQUEST_FACTS_QUERY, { owner: 'acme', repo: 'gone', number: 1, configPath: CONFIG_PATH })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'GraphqlResponseError',
      data: { repository: null, orgConfig: null },
      errors: [
        { type: 'NOT_FOUND', path: ['repository'], message: "Could not resolve to a Repository with the name 'acme/gone'." },
        { type: 'NOT_FOUND', path: ['orgConfig'], message: "Could not resolve to a Repository with the name 'acme/.github'." },
      ],
    });
    expect(sims.unexpectedRequests().github).toEqual([]);
  });

  it.each([
    {
      name: 'a field the schema does not have',
      query: 'query Bad { viewer { loginName } }',
      reason: /Cannot query field "loginName" on type "User"/,
    },
    {
      name: 'a connection without first or last',
      query:
        'query Unbounded($n: Int!) { repository(owner: "acme", name: "api") { pullRequest(number: $n) { commits { nodes { url } } } } }',
      reason: /must provide a `first` or `last` value to properly paginate the `commits` connection/,
    },
    {
      name: 'a page over 100',
      query:
        'query Big($n: Int!) { repository(owner: "acme", name: "api") { pullRequest(number: $n) { reviews(first: 101) { totalCount } } } }',
      reason: /exceeds the `first` limit of 100/,
    },
    {
      name: 'a field the simulator does not serve',
      query: 'query Unserved { repository(owner: "acme", name: "api") { stargazerCount } }',
      reason: /Cannot return null for non-nullable field Repository.stargazerCount/,
    },
    { name: 'a mutation', query: 'mutation M { addStar(input: {starrableId: "x"}) { clientMutationId } }', reason: /queries only/ },
  ])('records $name as an unexpected request', async ({ query, reason }) => {
    const { number } = seed();
    const octokit = await installationOctokit();

    await expect(octokit.graphql(query, query.includes('$n') ? { n: number } : {})).rejects.toThrow();

    expect(sims.unexpectedRequests().github).toEqual([expect.objectContaining({ method: 'POST', reason: expect.stringMatching(reason) })]);
  });

  it('answers team members, paged', async () => {
    sims.github.addTeam({ org: 'acme', slug: 'release-managers', members: Array.from({ length: 150 }, (_, i) => `Manager${i}`) });
    const octokit = await installationOctokit();

    const members = await readTeamMembers({ graphql: octokit.graphql, teams: ['acme/release-managers'] });

    expect(members['acme/release-managers']).toHaveLength(150);
    expect(members['acme/release-managers']?.[0]).toBe('manager0');
  });
});

describe('GitHub simulator: REST', () => {
  it('answers a route it does not know with 500 and records it', async () => {
    sims.github.addRepository({ owner: 'acme', repo: 'x', installationId: INSTALLATION });
    const octokit = await installationOctokit();

    const error = await octokit.request('GET /repos/{owner}/{repo}/tags', { owner: 'acme', repo: 'x' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 500 });
    expect(sims.unexpectedRequests().github).toEqual([
      { method: 'GET', path: '/api/v3/repos/acme/x/tags', reason: 'no route in the simulator' },
    ]);
  });

  it('refuses requests without a valid installation token, and JWTs signed with another key', async () => {
    sims.github.addRepository({ owner: 'acme', repo: 'x', installationId: INSTALLATION });
    const stranger = new Probot({
      appId: APP_ID,
      privateKey: generateAppKey().privateKey,
      baseUrl: sims.github.apiUrl,
      logLevel: 'fatal',
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });

    const forged = await fetch(`${sims.github.apiUrl}/repos/acme/x/statuses/${'a'.repeat(40)}`, {
      method: 'POST',
      headers: { authorization: 'token ghs_forged' },
      body: '{}',
    });
    const wrongKey = await stranger
      .auth(INSTALLATION)
      .then((o) => o.graphql('query { viewer { login } }'))
      .catch((e: unknown) => e);

    expect(forged.status).toBe(401);
    expect(wrongKey).toMatchObject({ status: 401 });
    expect(sims.unexpectedRequests().github.map((u) => u.reason)).toEqual([
      'no valid installation token',
      'app JWT refused: the JWT signature does not match the app public key',
    ]);
  });

  it('validates request bodies as GitHub does, and types its answers with the REST description', async () => {
    const { headSha, ...ref } = seed();
    const octokit = await installationOctokit();

    const created = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      owner: ref.owner,
      repo: ref.repo,
      name: 'Change control',
      head_sha: headSha,
      status: 'in_progress',
      external_id: 'x',
    });
    const updated = await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: ref.owner,
      repo: ref.repo,
      check_run_id: created.data.id as number,
      conclusion: 'success',
      output: { title: 'ok', summary: 'all good' },
    });
    const tooLong = await octokit
      .request('POST /repos/{owner}/{repo}/statuses/{sha}', {
        owner: ref.owner,
        repo: ref.repo,
        sha: headSha,
        state: 'success',
        description: 'x'.repeat(141),
      })
      .catch((e: unknown) => e);
    const pulls = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      owner: ref.owner,
      repo: ref.repo,
      commit_sha: headSha,
    });

    expect(created.data).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      app: { id: APP_ID },
      pull_requests: [{ number: ref.number }],
    });
    expect(updated.data).toMatchObject({
      id: created.data.id,
      status: 'completed',
      conclusion: 'success',
      output: { summary: 'all good' },
    });
    expect(tooLong).toMatchObject({ status: 422 });
    expect(pulls.data.map((p) => [p.number, p.state, p.head.sha])).toEqual([[ref.number, 'open', headSha]]);
    expect(sims.unexpectedRequests().github).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^invalid request body: .*description/s) }),
    ]);
  });

  it('injects failures for as many requests as asked', async () => {
    const { headSha, ...ref } = seed();
    const octokit = await installationOctokit();
    sims.github.injectFailure({ method: 'GET', path: /\/pulls$/, status: 503, times: 1 });
    const get = () =>
      octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { owner: ref.owner, repo: ref.repo, commit_sha: headSha });

    const first = await get().catch((e: unknown) => e);
    const second = await get();

    expect(first).toMatchObject({ status: 503 });
    expect(second.status).toBe(200);
    expect(
      sims.github
        .requests()
        .filter((r) => r.kind === 'rest')
        .map((r) => r.injected),
    ).toEqual([true, false]);
  });
});

describe("Jira simulator through the app's Jira reader", () => {
  const cloud = () => ({ baseUrl: sims.jira.url, auth: { kind: 'cloud' as const, ...sims.jira.credentials.cloud! }, timeoutMs: 2000 });

  it('answers an issue, a missing issue and a moved issue in Jira Cloud shapes', async () => {
    sims.jira.addIssue({ key: 'CHG-1', status: 'Awaiting Approval', summary: 'Rotate certs' });
    sims.jira.addIssue({ key: 'CHG-2' });
    sims.jira.moveIssue('CHG-2', 'OPS-9');
    const reader = createJiraTicketReader(cloud());

    expect(await reader.lookup('CHG-1', QUERY)).toMatchObject({
      found: true,
      key: 'CHG-1',
      status: 'Awaiting Approval',
      issueType: 'Change',
      summary: 'Rotate certs',
    });
    expect(await reader.lookup('CHG-3', QUERY)).toMatchObject({ found: false, requestedKey: 'CHG-3' });
    expect(await reader.lookup('CHG-2', QUERY)).toMatchObject({ found: true, key: 'OPS-9', requestedKey: 'CHG-2' });
    expect(sims.jira.requests().map((r) => [r.path, r.query.fields, r.auth, r.status])).toEqual([
      ['/rest/api/3/issue/CHG-1', 'status,issuetype,summary', 'basic', 200],
      ['/rest/api/3/issue/CHG-3', 'status,issuetype,summary', 'basic', 404],
      ['/rest/api/3/issue/CHG-2', 'status,issuetype,summary', 'basic', 200],
      // Approved: who approved it is read from its history (under the key Jira answered with).
      ['/rest/api/3/issue/OPS-9/changelog', undefined, 'basic', 200],
    ]);
  });

  it('serves Data Center over REST v2 with a personal access token', async () => {
    sims.jira.setCredentials({ personalAccessToken: 'dc-pat' });
    sims.jira.addIssue({ key: 'CHG-4', status: 'Approved' });
    const reader = createJiraTicketReader({
      baseUrl: sims.jira.url,
      auth: { kind: 'data-center', personalAccessToken: 'dc-pat' },
      timeoutMs: 2000,
    });

    expect(await reader.lookup('CHG-4', QUERY)).toMatchObject({
      found: true,
      status: 'Approved',
      approval: { how: 'status-transition', approvers: [{ accountId: 'cara', email: 'cara@acme.test', displayName: 'Cara Change' }] },
    });
    // Data Center has no paged changelog: the history comes with the issue (expand=changelog).
    expect(sims.jira.requests().map((r) => [r.path, r.query.expand, r.auth])).toEqual([
      ['/rest/api/2/issue/CHG-4', undefined, 'bearer'],
      ['/rest/api/2/issue/CHG-4', 'changelog', 'bearer'],
    ]);
  });

  it.each([
    { down: 'unavailable' as const, message: /HTTP 503/ },
    { down: 'reset' as const, message: /ECONNRESET/ },
    { down: 'hang' as const, message: /did not answer within 300 ms/ },
  ])('is down ($down): the reader throws a provider error, never an answer', async ({ down, message }) => {
    sims.jira.addIssue({ key: 'CHG-5' });
    sims.jira.setDown(down);
    const reader = createJiraTicketReader({ ...cloud(), timeoutMs: 300 });

    const error = await reader.lookup('CHG-5', QUERY).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TicketProviderError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses wrong credentials with 401 and records unknown routes as unexpected', async () => {
    sims.jira.addIssue({ key: 'CHG-6' });
    const reader = createJiraTicketReader({ ...cloud(), auth: { kind: 'cloud', email: 'x@acme.test', apiToken: 'wrong' } });

    const refused = await reader.lookup('CHG-6', QUERY).catch((e: unknown) => e);
    const search = await fetch(`${sims.jira.url}/rest/api/3/search?jql=project=CHG`);

    expect((refused as Error).message).toMatch(/Jira refused the credentials \(HTTP 401\)/);
    expect(search.status).toBe(500);
    expect(sims.jira.unexpectedRequests()).toEqual([
      { method: 'GET', path: '/rest/api/3/search', reason: 'no route in the Jira simulator' },
    ]);
  });
});
