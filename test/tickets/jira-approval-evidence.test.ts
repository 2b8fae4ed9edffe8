import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createResilientReader } from '../../src/tickets/create-resilient-reader.js';
import { createJiraTicketReader } from '../../src/tickets/jira/create-jira-ticket-reader.js';
import type { JiraSettings } from '../../src/tickets/jira/jira-env.js';
import { TicketProviderError, type TicketQuery } from '../../src/tickets/ticket-reader.js';
import { DEFAULT_JIRA_CLOUD, startJiraSimulator, type JiraSimulator } from '../simulators/index.js';
import { CHANGE_MANAGER } from '../simulators/jira/issue-shape.js';

const QUERY: TicketQuery = { approvedStatuses: ['Approved'], jsmApprovals: false, window: null };
const DAN = { accountId: '99-dan', name: 'dan', email: 'dan@acme.test', displayName: 'Dan Deputy' };
const PAT = 'dc-pat-never-logged';

let jira: JiraSimulator;
beforeAll(async () => {
  jira = await startJiraSimulator();
});
afterAll(() => jira.stop());
afterEach(() => {
  expect(jira.unexpectedRequests()).toEqual([]);
  jira.reset();
});

const cloud = (): JiraSettings => ({ baseUrl: jira.url, auth: { kind: 'cloud', ...DEFAULT_JIRA_CLOUD }, timeoutMs: 2000 });
const dataCenter = (): JiraSettings => ({ baseUrl: jira.url, auth: { kind: 'data-center', personalAccessToken: PAT }, timeoutMs: 2000 });
const paths = () =>
  jira
    .requests()
    .map(
      (r) =>
        `${r.method} ${r.path}${r.query.startAt === undefined ? '' : `?startAt=${r.query.startAt}`}${r.query.start === undefined ? '' : `?start=${r.query.start}`}`,
    );

describe('Jira approval evidence against the simulator', () => {
  it('pages through the whole Cloud changelog and names who moved the ticket into Approved', async () => {
    jira.addIssue({ key: 'CHG-1', status: 'Awaiting Approval' });
    jira.addHistoryNoise('CHG-1', 4);
    jira.setStatus('CHG-1', 'Approved', undefined, DAN);
    jira.setPageSize(2);

    const lookup = await createJiraTicketReader(cloud()).lookup('CHG-1', QUERY);

    expect(lookup).toMatchObject({
      found: true,
      status: 'Approved',
      approval: {
        how: 'status-transition',
        decision: 'approved',
        approvers: [{ accountId: '99-dan', email: 'dan@acme.test', displayName: 'Dan Deputy' }],
        detail: 'Awaiting Approval → Approved',
      },
    });
    expect(paths()).toEqual([
      'GET /rest/api/3/issue/CHG-1',
      'GET /rest/api/3/issue/CHG-1/changelog?startAt=0',
      'GET /rest/api/3/issue/CHG-1/changelog?startAt=2',
      'GET /rest/api/3/issue/CHG-1/changelog?startAt=4',
    ]);
  });

  it('reads the history of Data Center over REST v2 with the bearer PAT', async () => {
    jira.setCredentials({ personalAccessToken: PAT });
    jira.addIssue({ key: 'CHG-2', status: 'Approved', approvedBy: DAN });

    const lookup = await createJiraTicketReader(dataCenter()).lookup('CHG-2', QUERY);

    expect(lookup).toMatchObject({ approval: { approvers: [{ accountId: 'dan', email: 'dan@acme.test' }] } });
    expect(jira.requests().map((r) => [r.path, r.query.expand, r.auth])).toEqual([
      ['/rest/api/2/issue/CHG-2', undefined, 'bearer'],
      ['/rest/api/2/issue/CHG-2', 'changelog', 'bearer'],
    ]);
  });

  it('does not read the history of a ticket that is not approved', async () => {
    jira.addIssue({ key: 'CHG-3', status: 'Awaiting Approval' });

    const lookup = await createJiraTicketReader(cloud()).lookup('CHG-3', QUERY);

    expect(lookup).toMatchObject({ found: true, status: 'Awaiting Approval', approval: null });
    expect(paths()).toEqual(['GET /rest/api/3/issue/CHG-3']);
  });

  it('reads the change window fields the policy names', async () => {
    jira.addIssue({ key: 'CHG-4', fields: { customfield_10060: '2026-05-02T10:00:00.000+0000', customfield_10061: null } });

    const lookup = await createJiraTicketReader(cloud()).lookup('CHG-4', {
      ...QUERY,
      window: { startField: 'customfield_10060', endField: 'customfield_10061' },
    });

    expect(lookup).toMatchObject({ window: { start: '2026-05-02T10:00:00.000+0000', end: null } });
    expect(jira.requests()[0]?.query.fields).toBe('status,issuetype,summary,customfield_10060,customfield_10061');
  });

  it.each([
    { decision: 'approved' as const, approvers: [{ accountId: '99-dan', email: 'dan@acme.test', displayName: 'Dan Deputy' }] },
    { decision: 'pending' as const, approvers: [] },
    { decision: 'declined' as const, approvers: [] },
  ])('reads Service Management approvals, paged: $decision', async ({ decision, approvers }) => {
    jira.addIssue({ key: 'CHG-5' });
    jira.addApproval('CHG-5', { name: 'Manager', finalDecision: 'declined', approvers: [{ user: CHANGE_MANAGER, decision: 'declined' }] });
    jira.addApproval('CHG-5', { name: 'CAB', finalDecision: decision, approvers: [{ user: DAN, decision }] });
    jira.setPageSize(1);

    const lookup = await createJiraTicketReader(cloud()).lookup('CHG-5', { ...QUERY, jsmApprovals: true });

    expect(lookup).toMatchObject({ approval: { how: 'jsm-approval', decision, approvers, detail: 'CAB' } });
    expect(paths()).toEqual([
      'GET /rest/api/3/issue/CHG-5',
      'GET /rest/servicedeskapi/request/CHG-5/approval?start=0',
      'GET /rest/servicedeskapi/request/CHG-5/approval?start=1',
    ]);
  });
});

describe('Service Management on Data Center', () => {
  it('reads the approvals with the bearer PAT, approvers in Data Center shape', async () => {
    jira.setCredentials({ personalAccessToken: PAT });
    jira.addIssue({ key: 'CHG-30' });
    jira.addApproval('CHG-30', { finalDecision: 'approved', approvers: [{ user: DAN, decision: 'approved' }] });

    const lookup = await createJiraTicketReader(dataCenter()).lookup('CHG-30', { ...QUERY, jsmApprovals: true });

    expect(lookup).toMatchObject({
      approval: {
        how: 'jsm-approval',
        decision: 'approved',
        approvers: [{ accountId: 'dan', email: 'dan@acme.test', displayName: 'Dan Deputy' }],
      },
    });
    expect(jira.requests().map((r) => [r.path, r.auth])).toEqual([
      ['/rest/api/2/issue/CHG-30', 'bearer'],
      ['/rest/servicedeskapi/request/CHG-30/approval', 'bearer'],
    ]);
  });
});

describe('Jira write-back request shapes', () => {
  it('Data Center: a remote link and a plain-text comment over REST v2 with the bearer PAT', async () => {
    jira.setCredentials({ personalAccessToken: PAT });
    jira.addIssue({ key: 'CHG-20' });

    const result = await createJiraTicketReader(dataCenter()).writeBack!({
      key: 'CHG-20',
      link: { url: 'https://github.com/acme/payments/pull/7', title: 'acme/payments#7: Rotate certs' },
      lines: ['Merged …', 'Checks: build=success'],
    });

    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['remote-link', true],
      ['comment', true],
    ]);
    expect(jira.writes()).toEqual([
      {
        kind: 'remotelink',
        key: 'CHG-20',
        apiVersion: '2',
        body: expect.objectContaining({
          globalId: 'https://github.com/acme/payments/pull/7',
          object: expect.objectContaining({ url: 'https://github.com/acme/payments/pull/7', title: 'acme/payments#7: Rotate certs' }),
        }),
      },
      { kind: 'comment', key: 'CHG-20', apiVersion: '2', body: { body: 'Merged …\nChecks: build=success' } },
    ]);
    expect(jira.requests().map((r) => r.auth)).toEqual(['bearer', 'bearer']);
  });

  it('without a link (a deployment), only the comment is written', async () => {
    jira.addIssue({ key: 'CHG-21' });

    const result = await createJiraTicketReader(cloud()).writeBack!({ key: 'CHG-21', link: null, lines: ['Reached production'] });

    expect(result).toEqual({ steps: [{ step: 'comment', ok: true, error: null }] });
    expect(jira.writes()).toEqual([
      {
        kind: 'comment',
        key: 'CHG-21',
        apiVersion: '3',
        body: {
          body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Reached production' }] }] },
        },
      },
    ]);
  });
});

describe('retries, timeouts and the cache (createResilientReader)', () => {
  function resilient(settings: JiraSettings, now: () => number = Date.now) {
    const waits: number[] = [];
    const reader = createResilientReader({
      reader: createJiraTicketReader(settings),
      retries: { attempts: 3, baseDelayMs: 100, maxDelayMs: 5000, sleep: async (ms) => void waits.push(ms) },
      now,
    });
    return { reader, waits };
  }

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    jira.addIssue({ key: 'CHG-6', status: 'Awaiting Approval' });
    jira.failNext({ status: 429, retryAfter: '2' });
    const { reader, waits } = resilient(cloud());

    const lookup = await reader.lookup('CHG-6', QUERY);

    expect(lookup).toMatchObject({ found: true, status: 'Awaiting Approval' });
    expect(waits).toEqual([2000]);
    expect(jira.requests().map((r) => r.status)).toEqual([429, 200]);
  });

  it('backs off exponentially on 5xx and fails with a provider error when Jira stays down', async () => {
    jira.addIssue({ key: 'CHG-7' });
    jira.failNext({ status: 502, count: 3 });
    const { reader, waits } = resilient(cloud());

    const error = await reader.lookup('CHG-7', QUERY).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TicketProviderError);
    expect((error as Error).message).toBe('Jira failed to answer for CHG-7 (HTTP 502) (3 attempts)');
    expect(waits).toEqual([100, 200]);
  });

  it('does not wait for a Retry-After longer than it accepts', async () => {
    jira.addIssue({ key: 'CHG-8' });
    jira.failNext({ status: 429, retryAfter: '3600' });
    const { reader, waits } = resilient(cloud());

    const error = await reader.lookup('CHG-8', QUERY).catch((e: unknown) => e);

    expect((error as Error).message).toBe('Jira rate-limited the request for CHG-8 (HTTP 429) (1 attempt; asked to wait 3600 s)');
    expect(waits).toEqual([]);
  });

  it('does not retry what a retry cannot fix (refused credentials)', async () => {
    jira.addIssue({ key: 'CHG-9' });
    const { reader, waits } = resilient({ ...cloud(), auth: { kind: 'cloud', email: 'x@acme.test', apiToken: 'wrong' } });

    await expect(reader.lookup('CHG-9', QUERY)).rejects.toThrow('Jira refused the credentials (HTTP 401)');
    expect(waits).toEqual([]);
    expect(jira.requests()).toHaveLength(1);
  });

  it('times out a Jira that does not answer, retries, and fails', async () => {
    jira.addIssue({ key: 'CHG-10' });
    jira.setDown('hang');
    const { reader, waits } = resilient({ ...cloud(), timeoutMs: 100 });

    const error = await reader.lookup('CHG-10', QUERY).catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/^Jira did not answer within 100 ms for CHG-10 \(timeout, \w+\) \(3 attempts\)$/);
    expect(waits).toEqual([100, 200]);
  });

  it('answers from the cache within the TTL, asks Jira again after it, and never caches a failure', async () => {
    jira.addIssue({ key: 'CHG-11' });
    let now = 1_000_000;
    const { reader } = resilient(cloud(), () => now);

    await reader.lookup('CHG-11', { ...QUERY, cacheSeconds: 30 });
    const cached = await reader.lookup('chg-11', { ...QUERY, cacheSeconds: 30 });
    const callsWithin = jira.requests().length;
    now += 31_000;
    jira.setStatus('CHG-11', 'Declined');
    const fresh = await reader.lookup('CHG-11', { ...QUERY, cacheSeconds: 30 });

    expect(cached).toMatchObject({ status: 'Approved' });
    expect(callsWithin).toBe(2); // issue + changelog, once
    expect(fresh).toMatchObject({ status: 'Declined' });

    jira.failNext({ status: 500, count: 3 });
    now += 31_000;
    await expect(reader.lookup('CHG-11', { ...QUERY, cacheSeconds: 30 })).rejects.toThrow(TicketProviderError);
    await expect(reader.lookup('CHG-11', { ...QUERY, cacheSeconds: 30 })).resolves.toMatchObject({ status: 'Declined' });
  });

  it('forgets a key on demand (a Jira webhook said it changed)', async () => {
    jira.addIssue({ key: 'CHG-12', status: 'Awaiting Approval' });
    const { reader } = resilient(cloud());
    await reader.lookup('CHG-12', QUERY);
    jira.setStatus('CHG-12', 'Approved');

    reader.forget?.('CHG-12');

    await expect(reader.lookup('CHG-12', QUERY)).resolves.toMatchObject({ status: 'Approved' });
  });

  it.each([
    {
      case: 'Cloud, refused',
      settings: () => ({ ...cloud(), auth: { kind: 'cloud' as const, email: DEFAULT_JIRA_CLOUD.email, apiToken: 'not-the-token-s3cret' } }),
      secret: 'not-the-token-s3cret',
    },
    { case: 'Data Center, 503', settings: dataCenter, secret: PAT, down: true },
  ])('keeps credentials out of errors ($case)', async ({ settings, secret, down }) => {
    jira.setCredentials({ personalAccessToken: PAT, cloud: DEFAULT_JIRA_CLOUD });
    jira.addIssue({ key: 'CHG-13' });
    if (down) jira.failNext({ status: 503, count: 3 });
    const { reader } = resilient(settings());

    const error = await reader.lookup('CHG-13', QUERY).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TicketProviderError);
    const seen = [(error as Error).message, inspect(error, { depth: 10 }), JSON.stringify((error as Error).cause ?? null)].join('\n');
    expect(seen).not.toContain(secret);
    expect(seen).not.toContain(Buffer.from(`${DEFAULT_JIRA_CLOUD.email}:${secret}`).toString('base64'));
  });
});
