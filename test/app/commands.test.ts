import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { policyCacheLookups } from '../../src/observability/metrics.js';
import { createJiraTicketReader } from '../../src/tickets/jira/create-jira-ticket-reader.js';
import { createResilientReader } from '../../src/tickets/create-resilient-reader.js';
import { COMMENT_ID, commentEvent, mockComments, PR_NUMBER, recordEmergency } from './commands-harness.js';
import {
  audit,
  GITHUB,
  JIRA,
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

function mockPermission(login: string, permission: string, roleName = permission): void {
  nock(GITHUB).get(`${REPO_PATH}/collaborators/${login}/permission`).reply(200, { permission, role_name: roleName, user: { login } });
}

describe('comments that are not commands, or not ours to run', () => {
  it.each([
    ['a comment without a command', commentEvent('LGTM, shipping after the incident review')],
    ['a command quoted in a reply', commentEvent('> /change-control emergency outage\n\nWhy?')],
    ['a command from a bot', commentEvent('/change-control recheck', { login: 'dependabot[bot]', type: 'Bot' })],
  ])('does nothing for %s', async (_case, payload) => {
    await receive(newProbot(), 'issue_comment', payload);
    // No mock: any GitHub call would fail the test.
    expect(await audit.list({})).toEqual([]);
  });

  it('reads a command under our own login back from GitHub, then does nothing', async () => {
    mockToken();
    await receive(newProbot(), 'issue_comment', commentEvent('/change-control recheck', { login: 'change-control[bot]' }));
    expect(await audit.list({})).toEqual([]);
  });

  it.each(['edited', 'deleted'] as const)('does nothing when a command comment is %s', async (action) => {
    await receive(newProbot(), 'issue_comment', commentEvent('/change-control emergency outage', { action }));

    expect(await audit.list({})).toEqual([]);
  });

  it.each([
    [
      'two commands',
      '/change-control recheck\n/change-control explain',
      /^@carol one command per comment: this comment has 2 `\/change-control` lines, so none of them was run/,
    ],
    [
      'an unknown command',
      '/change-control approve',
      /^@carol `approve` is not a Change Control command\. The commands are:\n\n- `\/change-control emergency <reason>`/,
    ],
    ['words after recheck', '/change-control recheck now', /^@carol `\/change-control recheck` takes nothing after it/],
  ])('replies to %s and records the refusal', async (_case, body, reply) => {
    mockToken();
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent(body));

    expect(replies).toEqual([expect.stringMatching(reply)]);
    expect((await audit.latest({ kinds: ['command'] }))?.data).toMatchObject({
      by: 'carol',
      outcome: 'refused',
      issue: { number: PR_NUMBER, pullRequest: true },
    });
  });
});

describe('/change-control recheck', () => {
  it.each([
    ['write', 'write'],
    ['maintain (GitHub reports it as write)', 'write', 'maintain'],
    ['admin', 'admin'],
  ])('re-evaluates for someone with %s access and replies with the verdict', async (_case, permission, role = permission) => {
    mockToken();
    mockPermission('carol', permission, role);
    mockFacts(PASSING);
    mockJira('CHG-1', 'Approved');
    const written = mockWrites();
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent('/change-control recheck'));

    expect(written.status).toEqual([expect.objectContaining({ state: 'success' })]);
    expect(replies[0]).toMatch(/^@carol evaluated head `ec26c3e` again: \*\*success\*\*: All controls passed/);
    expect((await audit.latest({ kinds: ['command'] }))?.data).toMatchObject({
      command: 'recheck',
      outcome: 'accepted',
      result: { state: 'success' },
      comment: { id: COMMENT_ID },
    });
    // The evaluation keeps the ticket key → PR index (for Jira webhooks) with the comment's installation.
    expect(await audit.pullRequestsForTicket('CHG-1')).toEqual([
      expect.objectContaining({ prNumber: PR_NUMBER, installationId: expect.any(Number) }),
    ]);
  });

  it.each(['read', 'none'])('refuses someone with %s access, saying who may', async (permission) => {
    mockToken();
    mockPermission('mallory', permission);
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent('/change-control recheck', { login: 'mallory' }));

    expect(replies[0]).toMatch(
      new RegExp(
        `^@mallory only people with write access to Codertocat/Hello-World may ask for a recheck \\(your access: ${permission}\\)`,
      ),
    );
    expect((await audit.latest({ kinds: ['command'] }))?.data).toMatchObject({
      command: 'recheck',
      outcome: 'refused',
      reason: `no write access (${permission})`,
    });
    expect(await audit.list({ kinds: ['verdict'] })).toEqual([]);
  });

  it('reads the ticket and the policy afresh instead of answering from the caches', async () => {
    // The app's reader caches answers (createResilientReader); warm its cache with an approved ticket.
    const jira = createJiraTicketReader({
      baseUrl: JIRA,
      auth: { kind: 'cloud', email: 'bot@example.com', apiToken: 'secret' },
      timeoutMs: 1000,
    });
    const reader = createResilientReader({ reader: jira, defaultCacheSeconds: 300 });
    mockJira('CHG-1', 'Approved');
    await reader.lookup('CHG-1', { approvedStatuses: ['Approved'], jsmApprovals: false, window: null });
    const policyLookups = async () => (await policyCacheLookups.get()).values.reduce((sum, v) => sum + v.value, 0);
    const policyLookupsBefore = await policyLookups();
    // Since then the ticket went back to Open: the recheck must see it.
    mockToken();
    mockPermission('carol', 'write');
    mockFacts(PASSING);
    mockJira('CHG-1', 'Open');
    const written = mockWrites();
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot({ tickets: { reader } }), 'issue_comment', commentEvent('/change-control recheck'));

    expect(written.status).toEqual([expect.objectContaining({ state: 'failure' })]);
    expect(replies[0]).toMatch(/^@carol evaluated head `ec26c3e` again: \*\*failure\*\*/);
    // The policy was parsed again, not taken from the policy cache.
    expect(await policyLookups()).toBe(policyLookupsBefore);
  });

  it('refuses a login GitHub does not know (404)', async () => {
    mockToken();
    nock(GITHUB).get(`${REPO_PATH}/collaborators/ghost/permission`).reply(404, { message: 'Not Found' });
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent('/change-control recheck', { login: 'ghost' }));

    expect(replies[0]).toMatch(/your access: none/);
  });
});

describe('/change-control explain', () => {
  it('replies with the report as it stands, naming people without notifying them, and publishes nothing', async () => {
    mockToken();
    mockFacts({ ...PASSING, reviews: [] });
    mockJira('CHG-1', 'Approved');
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent('/change-control explain', { login: 'erin' }));

    const reply = replies[0] ?? '';
    expect(reply).toMatch(/^@erin here is the evaluation of head `ec26c3e` as it stands now:/);
    expect(reply).toContain('## Waiting: Needs 1 more independent approval on ec26c3e');
    expect(reply).toContain('| Segregation of duties | ⏳ Needs 1 more independent approval on ec26c3e |');
    expect(reply).toContain('- PR author: `@Codertocat`');
    expect(reply).toContain('Policy: `Codertocat/Hello-World:.github/change-control.yml');
    expect((await audit.latest({ kinds: ['command'] }))?.data).toMatchObject({
      command: 'explain',
      outcome: 'accepted',
      result: { state: 'pending' },
    });
    expect(await audit.list({ kinds: ['verdict'] })).toEqual([]);
  });

  it('shows a recorded emergency in the evaluation', async () => {
    await recordEmergency({ headSha: PASSING.headSha });
    mockToken();
    mockFacts({ ...PASSING, repoConfig: `${PASSING.repoConfig}emergency:\n  teams: [Codertocat/incident-commanders]\n`, reviews: [] });
    mockJira('CHG-1', 'Approved');
    const replies = mockComments(PR_NUMBER);

    await receive(newProbot(), 'issue_comment', commentEvent('/change-control explain'));

    expect(replies[0]).toContain('## Ready to merge: Emergency change authorised by carol');
    expect(replies[0]).toContain('### 🚨 Emergency change authorised by `@carol`');
  });
});
