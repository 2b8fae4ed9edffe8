import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { flagOverdueEmergencies } from '../../src/app/commands/flag-overdue-emergencies.js';
import { parseSigningKey } from '../../src/audit/signing.js';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import { commentEvent, FOLLOW_UP, mockComments, mockTeams, PR_NUMBER, recordEmergency } from './commands-harness.js';
import { APP_ID, audit, GITHUB, HEAD, mockToken, newProbot, receive, REPO_PATH, useHandlerHarness } from './harness.js';

useHandlerHarness();

const APPROVE = '/change-control approve-retro reviewed the hotfix diff';

function onFollowUp(login: string, body = APPROVE): Record<string, unknown> {
  return commentEvent(body, { login, number: FOLLOW_UP.number, pullRequest: false });
}

function mockClose(): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = [];
  nock(GITHUB)
    .patch(`${REPO_PATH}/issues/${FOLLOW_UP.number}`, (body: Record<string, unknown>) => bodies.push(body) > 0)
    .reply(200, { number: FOLLOW_UP.number, state: 'closed' });
  return bodies;
}

describe('/change-control approve-retro on the follow-up issue', () => {
  it('records the approval of a reviewer, replies, and closes the issue', async () => {
    const emergency = await recordEmergency();
    mockToken();
    mockTeams({ 'Codertocat/change-reviewers': ['erin'] });
    const replies = mockComments(FOLLOW_UP.number);
    const closed = mockClose();

    await receive(newProbot(), 'issue_comment', onFollowUp('erin'));

    const approval = await audit.latest({ kinds: ['retro-approval'] });
    expect(approval).toMatchObject({ repo: 'Codertocat/Hello-World', prNumber: PR_NUMBER, headSha: HEAD, at: '2026-11-01T12:00:00.000Z' });
    expect(approval?.data).toMatchObject({
      by: 'erin',
      emergencySeq: emergency.seq,
      emergencyBy: 'carol',
      late: false,
      note: 'reviewed the hotfix diff',
      followUpIssue: FOLLOW_UP,
    });
    expect(replies[0]).toBe(
      `@erin approved the emergency change Codertocat/Hello-World#2 (authorised by @carol) retrospectively: recorded as audit entry #${approval?.seq}. Closing this issue.`,
    );
    expect(closed).toEqual([{ state: 'closed', state_reason: 'completed' }]);
  });

  it('says when the approval came after it was due', async () => {
    await recordEmergency({ dueAt: '2026-11-01T11:00:00.000Z' });
    mockToken();
    mockTeams({ 'Codertocat/change-reviewers': ['erin'] });
    const replies = mockComments(FOLLOW_UP.number);
    mockClose();

    await receive(newProbot(), 'issue_comment', onFollowUp('erin'));

    expect((await audit.latest({ kinds: ['retro-approval'] }))?.data).toMatchObject({ late: true });
    expect(replies[0]).toContain('retrospectively, after it was due (2026-11-01T11:00:00.000Z)');
  });

  it.each([
    ['the PR author', 'Codertocat', null, 'the PR author', /you are the author of the change/],
    [
      'the person who authorised the emergency',
      'carol',
      null,
      'the emergency authoriser',
      /you authorised the emergency, so you cannot also approve it/,
    ],
    ['a contributor', 'dave', null, 'a contributor', /you contributed to the change/],
    [
      'someone outside the reviewer teams',
      'mallory',
      { 'Codertocat/change-reviewers': ['erin'] },
      'not a reviewer',
      /you are not a member of Codertocat\/change-reviewers\. Only a member of Codertocat\/change-reviewers who is not the author of the change \(`@Codertocat`\)/,
    ],
  ])(
    'refuses %s: a reply saying who may, a command entry about the PR, the issue left open',
    async (_case, login, teams, reason, reply) => {
      await recordEmergency();
      mockToken();
      if (teams) mockTeams(teams);
      const replies = mockComments(FOLLOW_UP.number);

      await receive(newProbot(), 'issue_comment', onFollowUp(login));

      expect(replies[0]).toMatch(reply);
      const refusal = await audit.latest({ kinds: ['command'] });
      expect(refusal).toMatchObject({ repo: 'Codertocat/Hello-World', prNumber: PR_NUMBER, headSha: HEAD });
      expect(refusal?.data).toMatchObject({
        command: 'approve-retro',
        by: login,
        outcome: 'refused',
        reason,
        issue: { number: FOLLOW_UP.number, pullRequest: false },
      });
      expect(await audit.list({ kinds: ['retro-approval'] })).toEqual([]);
    },
  );

  it('falls back to emergency.teams as reviewers when the policy names none (as recorded)', async () => {
    await recordEmergency({ reviewers: ['Codertocat/incident-commanders'] });
    mockToken();
    mockTeams({ 'Codertocat/incident-commanders': ['carol', 'frank'] });
    mockComments(FOLLOW_UP.number);
    mockClose();

    await receive(newProbot(), 'issue_comment', onFollowUp('frank'));

    expect((await audit.latest({ kinds: ['retro-approval'] }))?.data).toMatchObject({ by: 'frank' });
  });

  it('refuses a second approval', async () => {
    await recordEmergency();
    mockToken();
    mockTeams({ 'Codertocat/change-reviewers': ['erin', 'gina'] });
    mockComments(FOLLOW_UP.number);
    mockClose();
    await receive(newProbot(), 'issue_comment', onFollowUp('erin'));
    mockToken();
    const replies = mockComments(FOLLOW_UP.number);

    await receive(
      newProbot(),
      'issue_comment',
      commentEvent(APPROVE, { login: 'gina', number: FOLLOW_UP.number, pullRequest: false, id: 9002 }),
    );

    expect(replies[0]).toMatch(/^@gina this emergency change was already approved retrospectively by @erin/);
    expect(await audit.list({ kinds: ['retro-approval'] })).toHaveLength(1);
  });

  it('refuses when the emergency record fails verification (an unsigned row in a store that signs)', async () => {
    // Arrange: the emergency entry was written without a signature; the app signs, so the app did not write it.
    const emergency = await recordEmergency();
    const auditSigner = parseSigningKey('k'.repeat(40));
    mockToken();
    const replies = mockComments(FOLLOW_UP.number);

    // Act
    await receive(newProbot({ auditSigner }), 'issue_comment', onFollowUp('erin'));

    // Assert: nothing approved, and the reply names the entry and why
    expect(await audit.list({ kinds: ['retro-approval'] })).toHaveLength(0);
    expect(replies[0]).toContain(`the emergency record of this change, audit entry #${emergency.seq}, fails verification`);
    expect(replies[0]).toContain('is not signed');
  });

  it('refuses on an issue that is not a follow-up issue', async () => {
    mockToken();
    const replies = mockComments(5);

    await receive(newProbot(), 'issue_comment', commentEvent(APPROVE, { login: 'erin', number: 5, pullRequest: false }));

    expect(replies[0]).toMatch(/this issue is not the follow-up issue of an emergency change/);
    expect(await audit.latest({ kinds: ['command'] })).toMatchObject({
      prNumber: null,
      data: { command: 'approve-retro', outcome: 'refused' },
    });
  });

  it('refuses on the pull request itself', async () => {
    mockToken();
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent(APPROVE, { login: 'erin' }));

    expect(replies[0]).toMatch(/is given on the follow-up issue of the emergency change/);
  });
});

describe('flagOverdueEmergencies', () => {
  const deps = (): AppDeps => ({
    appId: APP_ID,
    tickets: { unavailable: 'not needed' },
    audit,
    botLogin: async () => 'change-control[bot]',
    now: () => new Date(),
    queue: audit.queue,
  });

  it('comments once on each overdue follow-up issue and records it; approved or not yet due ones are left alone', async () => {
    const overdue = await recordEmergency({ dueAt: '2026-11-03T10:00:00.000Z' });
    const approved = await recordEmergency(
      { dueAt: '2026-11-03T10:00:00.000Z', followUpIssue: { ...FOLLOW_UP, number: 4 } },
      '2026-11-01T10:05:00.000Z',
    );
    await audit.append({
      kind: 'retro-approval',
      at: '2026-11-02T09:00:00.000Z',
      deliveryId: 'd-r',
      repo: 'Codertocat/Hello-World',
      prNumber: PR_NUMBER,
      headSha: HEAD,
      data: {
        by: 'erin',
        emergencySeq: approved.seq,
        emergencyBy: 'carol',
        dueAt: '2026-11-03T10:00:00.000Z',
        late: false,
        note: null,
        followUpIssue: { ...FOLLOW_UP, number: 4 },
        comment: { id: 5, url: 'u' },
      },
    });
    await recordEmergency({ dueAt: '2026-11-09T10:00:00.000Z', followUpIssue: { ...FOLLOW_UP, number: 6 } }, '2026-11-01T10:10:00.000Z');
    mockToken();
    const comments = mockComments(FOLLOW_UP.number);
    const probot = newProbot();
    const now = new Date('2026-11-04T00:00:00.000Z');

    expect(await flagOverdueEmergencies({ deps: deps(), app: probot, now })).toBe(1);
    expect(await flagOverdueEmergencies({ deps: deps(), app: probot, now })).toBe(0);

    expect(comments).toEqual([
      expect.stringMatching(
        /^⚠️ \*\*Overdue\.\*\* The retrospective approval of this emergency change was due by 2026-11-03T10:00:00\.000Z/,
      ),
    ]);
    const flagged = await audit.list({ kinds: ['emergency-overdue'] });
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({
      prNumber: PR_NUMBER,
      deliveryId: null,
      data: { emergencySeq: overdue.seq, followUpIssue: FOLLOW_UP },
    });
  });

  it('tries again at the next sweep when the comment cannot be posted', async () => {
    await recordEmergency({ dueAt: '2026-11-03T10:00:00.000Z' });
    mockToken();
    nock(GITHUB).post(`${REPO_PATH}/issues/${FOLLOW_UP.number}/comments`).reply(502, { message: 'Bad gateway' });
    const probot = newProbot();
    const now = new Date('2026-11-04T00:00:00.000Z');

    expect(await flagOverdueEmergencies({ deps: deps(), app: probot, now })).toBe(0);
    mockComments(FOLLOW_UP.number);
    expect(await flagOverdueEmergencies({ deps: deps(), app: probot, now })).toBe(1);
  });
});
