import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import type { FactsFixture } from '../fixtures/pr-facts-response.js';
import { COMMENT_ID, commentEvent, EMERGENCY_POLICY, mockComments, mockTeams, PR_NUMBER } from './commands-harness.js';
import {
  audit,
  GITHUB,
  HEAD,
  mockFacts,
  mockJira,
  mockToken,
  mockWrites,
  newProbot,
  PASSING,
  receive,
  REPO_PATH,
  useHandlerHarness,
} from './harness.js';

useHandlerHarness();

/** A PR of the emergency policy that waits for an approval, with commits by Codertocat and dave. */
const WAITING: FactsFixture = {
  ...PASSING,
  repoConfig: EMERGENCY_POLICY,
  reviews: [],
  commits: [{ oid: HEAD, author: 'Codertocat', coAuthors: ['dave'] }],
};
const EMERGENCY = '/change-control emergency INC-4711 card payments failing';

/** Mocks the follow-up issue; returns the bodies asked for. */
function mockFollowUpIssue(status = 201): Array<{ title: string; body: string }> {
  const issues: Array<{ title: string; body: string }> = [];
  nock(GITHUB)
    .post(`${REPO_PATH}/issues`, (body: { title: string; body: string }) => issues.push(body) > 0)
    .reply(
      status,
      status === 201
        ? { number: 3, html_url: 'https://github.com/Codertocat/Hello-World/issues/3' }
        : { message: 'Issues are disabled for this repo' },
    );
  return issues;
}

async function refusalOf(): Promise<Record<string, unknown> | undefined> {
  return (await audit.latest({ kinds: ['command'] }))?.data;
}

describe('/change-control emergency', () => {
  it('authorised by a member of emergency.teams: follow-up issue, emergency entry, reply, and a success verdict', async () => {
    mockToken();
    mockFacts(WAITING);
    mockJira('CHG-1', 'Approved');
    mockTeams({ 'Codertocat/incident-commanders': ['carol'] });
    const issues = mockFollowUpIssue();
    const replies = mockComments(PR_NUMBER);
    mockFacts(WAITING);
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();

    await receive(newProbot(), 'issue_comment', commentEvent(EMERGENCY));

    expect(written.status).toEqual([expect.objectContaining({ state: 'success', description: 'Emergency change authorised by carol' })]);
    const summary = (written.checkRuns[0]?.output as { summary: string }).summary;
    expect(summary).toContain('### 🚨 Emergency change authorised by @carol');
    expect(summary).toContain('Reason: INC-4711 card payments failing');
    expect(summary).toMatch(/Segregation of duties: Needs 1 more independent approval/);
    expect(summary).toContain(
      '[Codertocat/Hello-World#3](https://github.com/Codertocat/Hello-World/issues/3); retrospective approval due by **2026-11-03T12:00:00.000Z**',
    );
    expect(issues[0]?.title).toBe('Emergency change Codertocat/Hello-World#2: retrospective approval due by 2026-11-03T12:00:00.000Z');
    expect(issues[0]?.body).toContain('**Reason given:** INC-4711 card payments failing');
    expect(issues[0]?.body).toContain('A member of Codertocat/change-reviewers reviews the change');
    expect(issues[0]?.body).toContain('@dave (contributor)');
    expect(replies[0]).toMatch(/^@carol authorised this pull request as an emergency change on head `ec26c3e` \(audit entry #1\)/);

    const emergency = await audit.latest({ kinds: ['emergency'] });
    expect(emergency).toMatchObject({ repo: 'Codertocat/Hello-World', prNumber: PR_NUMBER, headSha: HEAD });
    expect(emergency?.data).toMatchObject({
      by: 'carol',
      reason: 'INC-4711 card payments failing',
      installationId: 1,
      contributors: ['Codertocat', 'dave'],
      waived: [{ control: 'approval', outcome: 'pending', summary: 'Needs 1 more independent approval on ec26c3e' }],
      followUpIssue: { repo: 'Codertocat/Hello-World', number: 3, url: 'https://github.com/Codertocat/Hello-World/issues/3' },
      dueAt: '2026-11-03T12:00:00.000Z',
      reviewers: ['Codertocat/change-reviewers'],
      comment: { id: COMMENT_ID },
    });
    expect(await audit.getMeta('emergency-issue:codertocat/hello-world#3')).toBe(String(emergency?.seq));
    expect((await audit.latest({ kinds: ['verdict'] }))?.data.verdict).toMatchObject({
      state: 'success',
      emergency: { by: 'carol', auditSeq: emergency?.seq },
    });
  });

  it('waives an evaluation error of a valid policy (Jira unreachable), saying so', async () => {
    mockToken();
    mockFacts(WAITING);
    mockJira('CHG-1', '', 503);
    mockTeams({ 'Codertocat/incident-commanders': ['carol'] });
    const issues = mockFollowUpIssue();
    mockComments(PR_NUMBER);
    mockFacts(WAITING);
    mockJira('CHG-1', '', 503);
    const written = mockWrites();

    await receive(newProbot(), 'issue_comment', commentEvent(EMERGENCY));

    expect(written.status[0]).toMatchObject({ state: 'success' });
    expect(issues[0]?.body).toMatch(/Evaluation \(could not be made\): Jira lookup of CHG-1 failed/);
    expect((written.checkRuns[0]?.output as { summary: string }).summary).toMatch(
      /⚠️ Evaluation \(could not be made\): Jira lookup of CHG-1 failed/,
    );
  });

  it.each([
    [
      'someone outside emergency.teams',
      'mallory',
      { 'Codertocat/incident-commanders': ['carol'] },
      'not a member of emergency.teams',
      /you are not a member of Codertocat\/incident-commanders\. Only a member of Codertocat\/incident-commanders who is neither the author/,
    ],
    ['the PR author, even in the team', 'Codertocat', null, 'the PR author', /you opened this pull request, so you cannot authorise it/],
    ['a co-author of a commit', 'dave', null, 'a contributor', /you contributed to this pull request \(co-authored ec26c3e\)/],
  ])('refuses %s: a reply saying who may, a command entry, no verdict', async (_case, login, teams, reason, reply) => {
    mockToken();
    mockFacts(WAITING);
    mockJira('CHG-1', 'Approved');
    if (teams) mockTeams(teams);
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent(EMERGENCY, { login }));

    expect(replies[0]).toMatch(new RegExp(`^@${login} `));
    expect(replies[0]).toMatch(reply);
    expect(await refusalOf()).toMatchObject({ command: 'emergency', by: login, outcome: 'refused', reason, comment: { id: COMMENT_ID } });
    expect(await audit.list({ kinds: ['emergency', 'verdict'] })).toEqual([]);
  });

  it('refuses under an invalid policy: an emergency cannot override it', async () => {
    mockToken();
    mockFacts({ ...WAITING, repoConfig: `${EMERGENCY_POLICY}approvals: 2\n` });
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent(EMERGENCY));

    expect(replies[0]).toMatch(/the change-control policy cannot be read/);
    expect(await refusalOf()).toMatchObject({ reason: 'the policy cannot be read' });
  });

  it('refuses when the policy has no emergency path', async () => {
    mockToken();
    mockFacts({ ...WAITING, repoConfig: PASSING.repoConfig });
    mockJira('CHG-1', 'Approved');
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent(EMERGENCY));

    expect(replies[0]).toMatch(/has no emergency path \(`emergency.teams` is empty\)/);
  });

  it('refuses when every control passes: nothing to waive', async () => {
    mockToken();
    mockFacts({ ...PASSING, repoConfig: EMERGENCY_POLICY });
    mockJira('CHG-1', 'Approved');
    mockTeams({ 'Codertocat/incident-commanders': ['carol'] });
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent(EMERGENCY));

    expect(replies[0]).toMatch(/every control passes on head `ec26c3e`/);
    expect(await audit.list({ kinds: ['emergency'] })).toEqual([]);
  });

  it('does not authorise when the follow-up issue cannot be opened', async () => {
    mockToken();
    mockFacts(WAITING);
    mockJira('CHG-1', 'Approved');
    mockTeams({ 'Codertocat/incident-commanders': ['carol'] });
    mockFollowUpIssue(410);
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent(EMERGENCY));

    expect(replies[0]).toMatch(/the follow-up issue could not be opened in Codertocat\/Hello-World .*so the emergency was not authorised/);
    expect(await audit.list({ kinds: ['emergency', 'verdict'] })).toEqual([]);
    expect(await refusalOf()).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/^follow-up issue not opened/) });
  });

  it('answers a missing reason with a reply and records it', async () => {
    mockToken();
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent('/change-control emergency'));

    expect(replies[0]).toMatch(/^@carol a reason is required: `\/change-control emergency <reason>`/);
    expect(await refusalOf()).toMatchObject({ command: 'emergency', outcome: 'refused', reason: 'missing-reason' });
  });
});
