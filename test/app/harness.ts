import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect } from '@jest/globals';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import type { AppDeps } from '../../src/evaluation/app-deps.js';
import type { BatchingAuditStore } from '../../src/store/batching-audit-store.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { createApp } from '../../src/index.js';
import { parseCommand } from '../../src/policy/parse-command.js';
import { DEFAULT_QUEUE_SETTINGS } from '../../src/queue/queue-settings.js';
import type { Worker } from '../../src/queue/worker.js';
import { createJiraTicketReader } from '../../src/tickets/jira/create-jira-ticket-reader.js';
import { prFactsResponse, type FactsFixture } from '../fixtures/pr-facts-response.js';

/** Shared setup of the handler tests: Probot over nock-mocked GitHub and Jira, and a fresh in-memory audit store. */
export const APP_ID = 123;
export const GITHUB = 'https://api.github.com';
export const JIRA = 'https://jira.example.com';
export const REPO_PATH = '/repos/Codertocat/Hello-World';
export const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

export const POLICY = 'ticket:\n  projects: [CHG]\n  statuses: [Approved]\napproval:\n  count: 1\nchecks:\n  required: [ci/test]\n';

/** Facts of a PR that passes every control. */
export const PASSING: FactsFixture = {
  headSha: HEAD,
  repoConfig: POLICY,
  reviews: [{ login: 'reviewer', state: 'APPROVED', commit: HEAD, at: '2026-11-01T11:00:00Z' }],
  checkRuns: [{ name: 'ci/test' }],
};

export let audit: BatchingAuditStore;

/** Each Probot's queue worker: `receive` drains it, so a test sees the evaluation its delivery queued. */
const workers = new Map<Probot, Worker>();

/** Retries come due only after the test (a test asserts the first attempt; test/queue covers retries); follow-ups at once, so a drain runs them. */
const TEST_QUEUE_SETTINGS = { ...DEFAULT_QUEUE_SETTINGS, retryBaseMs: 600_000, followUpDelayMs: 0 };

/** A Probot over the harness's GitHub, Jira and audit store; `overrides` replace dependencies (e.g. a failing store). */
export function newProbot(overrides: Partial<AppDeps> = {}): Probot {
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    logLevel: 'fatal',
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  const reader = createJiraTicketReader({
    baseUrl: JIRA,
    auth: { kind: 'cloud', email: 'bot@example.com', apiToken: 'secret' },
    timeoutMs: 1000,
  });
  const deps: AppDeps = {
    appId: APP_ID,
    tickets: { reader },
    audit,
    botLogin: async () => 'change-control[bot]',
    now: () => new Date('2026-11-01T12:00:00Z'),
    queue: audit.queue,
    queueSettings: TEST_QUEUE_SETTINGS,
    ...overrides,
  };
  void probot.load(createApp(deps, { onStart: ({ worker }) => workers.set(probot, worker) }), {
    cwd: process.cwd(),
    addHandler: () => {},
  });
  return probot;
}

export function mockToken(): void {
  nock(GITHUB).post('/app/installations/1/access_tokens').reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z' });
}

export function mockFacts(facts: FactsFixture): void {
  nock(GITHUB)
    .post('/graphql', (body: { query: string }) => body.query.includes('query ChangeControlFacts'))
    .reply(200, { data: prFactsResponse(facts) });
}

export function mockJira(key: string, status: string, code = 200): void {
  const scope = nock(JIRA).get(`/rest/api/3/issue/${key}`).query(true);
  if (code === 200) {
    scope.reply(200, {
      id: '1',
      key,
      self: `${JIRA}/rest/api/3/issue/1`,
      fields: { summary: 'Change', status: { name: status }, issuetype: { name: 'Change' } },
    });
    // An approved ticket's history is read for who approved it: a change manager nobody maps to GitHub.
    if (status === 'Approved') mockJiraApprover(key);
  } else {
    scope.reply(code, { errorMessages: ['unavailable'] });
  }
}

/** Jira Cloud's changelog of `key`: one page, the change manager moving it to Approved. */
export function mockJiraApprover(
  key: string,
  approver = { accountId: '5b10-cara', emailAddress: 'cara@acme.test', displayName: 'Cara Change' },
): void {
  const history = {
    id: '100',
    author: approver,
    created: '2026-11-01T09:00:00.000+0000',
    items: [{ field: 'status', fieldId: 'status', fromString: 'Awaiting Approval', toString: 'Approved' }],
  };
  nock(JIRA)
    .get(`/rest/api/3/issue/${key}/changelog`)
    .query({ startAt: '0', maxResults: '100' })
    .reply(200, { startAt: 0, maxResults: 100, total: 1, isLast: true, values: [history] });
}

/** Captures the bodies of our writes. */
export function mockWrites(): { status: Record<string, unknown>[]; checkRuns: Record<string, unknown>[] } {
  const written = { status: [] as Record<string, unknown>[], checkRuns: [] as Record<string, unknown>[] };
  nock(GITHUB)
    .post(`${REPO_PATH}/check-runs`, (body: Record<string, unknown>) => {
      written.checkRuns.push(body);
      return true;
    })
    .reply(201, { id: 77, html_url: 'https://github.com/Codertocat/Hello-World/runs/77' });
  nock(GITHUB)
    .post(`${REPO_PATH}/statuses/${HEAD}`, (body: Record<string, unknown>) => {
      written.status.push(body);
      return true;
    })
    .reply(201, {});
  return written;
}

/**
 * Delivers a webhook, then runs what it queued (the app's worker would, right after the answer); each call is a
 * new delivery unless `id` repeats one.
 */
export async function receive(probot: Probot, name: string, payload: Record<string, unknown>, id: string = randomUUID()): Promise<void> {
  if (name === 'issue_comment') mockCommentReadBack(payload);
  try {
    await probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
  } finally {
    await workers.get(probot)?.drain();
  }
}

/**
 * The app reads a command comment back from GitHub by id before it runs it (docs/security.md): answers that read
 * with the comment as the payload has it, when the app will make it (a new comment by a user holding a command).
 * `emergency` and `approve-retro` are read back twice: on acceptance, and by the worker that runs them.
 */
function mockCommentReadBack(payload: Record<string, unknown>): void {
  const { action, comment } = payload as {
    action?: string;
    comment?: { id: number; html_url: string; body: string | null; user: { login: string; type: string } };
  };
  const parsed = parseCommand(comment?.body ?? '');
  if (action !== 'created' || !comment || comment.user.type === 'Bot' || parsed === null) return;
  const queued = parsed.ok && (parsed.command === 'emergency' || parsed.command === 'approve-retro');
  nock(GITHUB)
    .get(`${REPO_PATH}/issues/comments/${comment.id}`)
    .times(queued ? 2 : 1)
    // Written at the harness clock's time: after any push the test recorded.
    .reply(200, {
      id: comment.id,
      html_url: comment.html_url,
      created_at: '2026-11-01T12:00:00Z',
      body: comment.body,
      user: { ...comment.user },
    });
}

/** Replaces the audit store with an empty one, as if the app had lost its last audit write. */
export async function loseAuditStore(): Promise<void> {
  await audit.close();
  audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
}

let unmatched: string[] = [];

/** Registers the per-test setup and the exhaustive-mock checks; call once at the top of a test file. */
export function useHandlerHarness(): void {
  beforeEach(async () => {
    audit = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
    nock.disableNetConnect();
    unmatched = [];
    nock.emitter.on('no match', (req: { method?: string; path?: string }) => unmatched.push(`${req.method} ${req.path}`));
  });
  afterEach(async () => {
    for (const worker of workers.values()) await worker.stop(0);
    workers.clear();
    await audit.close();
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.emitter.removeAllListeners('no match');
    nock.enableNetConnect();
    expect(unmatched).toEqual([]);
    expect(pending).toEqual([]);
  });
}
