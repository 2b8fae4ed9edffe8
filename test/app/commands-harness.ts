import nock from 'nock';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import type { EmergencyRecord } from '../../src/audit/evidence-records.js';
import { webhookExample } from '../fixtures/webhook-examples.js';
import { audit, GITHUB, HEAD, POLICY, REPO_PATH } from './harness.js';

/** Shared setup of the `/change-control` command tests: comment payloads, team answers, and a recorded emergency. */

export const EMERGENCY_POLICY = `${POLICY}emergency:\n  teams: [Codertocat/incident-commanders]\n  reviewers: [Codertocat/change-reviewers]\n  review_within_hours: 48\n`;
/** The PR of the facts fixture (`prFactsResponse` numbers it 2; its author is Codertocat). */
export const PR_NUMBER = 2;
export const COMMENT_ID = 9001;

interface CommentInput {
  login?: string;
  type?: 'User' | 'Bot';
  /** Default: the PR. */
  number?: number;
  pullRequest?: boolean;
  id?: number;
  action?: 'created' | 'edited' | 'deleted';
}

/** An `issue_comment` webhook from @octokit/webhooks-examples with the body, author and issue set. */
export function commentEvent(body: string, input: CommentInput = {}): Record<string, unknown> {
  const payload = webhookExample('issue_comment', input.action ?? 'created') as {
    issue: { number: number; pull_request?: unknown };
    comment: { id: number; body: string; html_url: string; user: { login: string; type: string } };
  } & Record<string, unknown>;
  const number = input.number ?? PR_NUMBER;
  payload.issue.number = number;
  if (input.pullRequest ?? true) payload.issue.pull_request = { url: `${GITHUB}${REPO_PATH}/pulls/${number}` };
  else delete payload.issue.pull_request;
  payload.comment.id = input.id ?? COMMENT_ID;
  payload.comment.body = body;
  payload.comment.html_url = `https://github.com/Codertocat/Hello-World/pull/${number}#issuecomment-${payload.comment.id}`;
  payload.comment.user.login = input.login ?? 'carol';
  payload.comment.user.type = input.type ?? 'User';
  return payload;
}

/** Answers the team-members query for each team in `teams`, in the order the app asks. */
export function mockTeams(teams: Record<string, string[]>): void {
  for (const [team, members] of Object.entries(teams)) {
    const slug = team.split('/')[1];
    nock(GITHUB)
      .post(
        '/graphql',
        (body: { query: string; variables: { slug: string } }) =>
          body.query.includes('query ChangeControlTeamMembers') && body.variables.slug === slug,
      )
      .reply(200, {
        data: {
          organization: {
            team: { members: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: members.map((login) => ({ login })) } },
          },
        },
      });
  }
}

/** Captures the bodies of comments posted on issue `number`. */
export function mockComments(number: number, times = 1): string[] {
  const bodies: string[] = [];
  nock(GITHUB)
    .post(`${REPO_PATH}/issues/${number}/comments`, (body: { body: string }) => bodies.push(body.body) > 0)
    .times(times)
    .reply(201, (_uri, _body) => ({
      id: 7000 + bodies.length,
      html_url: `https://github.com/Codertocat/Hello-World/issues/${number}#issuecomment-${7000 + bodies.length}`,
    }));
  return bodies;
}

export const FOLLOW_UP = { repo: 'Codertocat/Hello-World', number: 3, url: 'https://github.com/Codertocat/Hello-World/issues/3' };

/** Records an emergency of the PR's head as the app does, with its follow-up issue #3; returns the entry. */
export async function recordEmergency(overrides: Partial<EmergencyRecord> = {}, at = '2026-11-01T10:00:00.000Z'): Promise<AuditEntry> {
  const record: EmergencyRecord = {
    by: 'carol',
    reason: 'INC-4711 card payments failing',
    headSha: HEAD,
    installationId: 1,
    pr: {
      repo: 'Codertocat/Hello-World',
      number: PR_NUMBER,
      title: 'CHG-1 Update the README',
      url: 'https://github.com/Codertocat/Hello-World/pull/2',
      author: 'Codertocat',
    },
    contributors: ['Codertocat', 'dave'],
    waived: [{ control: 'approval', outcome: 'pending', summary: 'Needs 1 more independent approval' }],
    verdictBefore: { state: 'pending', description: 'Needs 1 more independent approval' },
    followUpIssue: FOLLOW_UP,
    dueAt: '2026-11-03T10:00:00.000Z',
    teams: ['Codertocat/incident-commanders'],
    reviewers: ['Codertocat/change-reviewers'],
    comment: { id: 1, url: 'https://github.com/Codertocat/Hello-World/pull/2#issuecomment-1' },
    policy: null,
    ...overrides,
  };
  const entry = await audit.append({
    kind: 'emergency',
    at,
    deliveryId: `d-emergency-${at}`,
    repo: 'Codertocat/Hello-World',
    prNumber: PR_NUMBER,
    headSha: HEAD,
    data: { ...record },
  });
  if (!entry) throw new Error('emergency not recorded');
  await audit.setMeta(`emergency-issue:codertocat/hello-world#${FOLLOW_UP.number}`, String(entry.seq));
  return entry;
}
