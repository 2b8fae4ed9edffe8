import { inspect } from 'node:util';
import { afterEach, beforeAll, afterAll, describe, it, expect } from '@jest/globals';
import nock from 'nock';
import type { JiraSettings } from '../../src/tickets/jira/jira-env.js';
import { createJiraTicketReader } from '../../src/tickets/jira/create-jira-ticket-reader.js';
import { TicketProviderError } from '../../src/tickets/ticket-reader.js';

const BASE = 'https://acme.atlassian.net';
const API_TOKEN = 'cloud-token-s3cret';
const PAT = 'dc-pat-s3cret';
const BASIC = `Basic ${Buffer.from(`ci@acme.test:${API_TOKEN}`).toString('base64')}`;
const FIELDS = { fields: 'status,issuetype,summary' };
/** A query under which no answer here is in an approved status, so only the issue itself is read (the history is tested on the simulator). */
const ISSUE_ONLY = { approvedStatuses: ['Released'], jsmApprovals: false, window: null };

const cloud: JiraSettings = { baseUrl: BASE, auth: { kind: 'cloud', email: 'ci@acme.test', apiToken: API_TOKEN }, timeoutMs: 5000 };
const dataCenter: JiraSettings = {
  baseUrl: 'https://jira.acme.test/jira',
  auth: { kind: 'data-center', personalAccessToken: PAT },
  timeoutMs: 5000,
};

function issue(key: string, status = 'Approved') {
  return { id: '10001', key, fields: { status: { name: status, id: '3' }, issuetype: { name: 'Change' }, summary: 'Rotate certs' } };
}

/** Jira's answer for a missing issue (or one the account may not see: Jira does not tell them apart). */
const JIRA_NOT_FOUND = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };

const unmatched: string[] = [];
function recordUnmatched(request: unknown) {
  unmatched.push(inspect(request, { depth: 0 }));
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', recordUnmatched);
});
afterAll(() => {
  nock.emitter.removeListener('no match', recordUnmatched);
  nock.enableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  const unexpected = unmatched.splice(0);
  nock.cleanAll();
  expect(pending).toEqual([]);
  expect(unexpected).toEqual([]);
});

/** The issue request a reader with these settings makes; the first two tests spell the paths out. */
function mockGetIssue(settings: JiraSettings, key: string) {
  const { origin, pathname } = new URL(settings.baseUrl);
  const version = settings.auth.kind === 'cloud' ? 3 : 2;
  return nock(origin)
    .get(`${pathname.replace(/\/$/, '')}/rest/api/${version}/issue/${key}`)
    .query(FIELDS);
}

async function lookupError(settings: JiraSettings, key: string): Promise<TicketProviderError> {
  const error = await createJiraTicketReader(settings)
    .lookup(key, ISSUE_ONLY)
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  expect(error).toBeInstanceOf(TicketProviderError);
  return error as TicketProviderError;
}

describe('createJiraTicketReader', () => {
  it('reads an issue from Jira Cloud with basic auth over REST v3', async () => {
    nock(BASE, { reqheaders: { authorization: BASIC } })
      .get('/rest/api/3/issue/CHG-1')
      .query(FIELDS)
      .reply(200, issue('CHG-1'));

    const lookup = await createJiraTicketReader(cloud).lookup('CHG-1', ISSUE_ONLY);

    expect(lookup).toEqual({
      found: true,
      key: 'CHG-1',
      requestedKey: 'CHG-1',
      status: 'Approved',
      issueType: 'Change',
      summary: 'Rotate certs',
      url: `${BASE}/browse/CHG-1`,
      approval: null,
    });
  });

  it('reads an issue from Data Center with the PAT as bearer token over REST v2', async () => {
    nock('https://jira.acme.test', { reqheaders: { authorization: `Bearer ${PAT}` } })
      .get('/jira/rest/api/2/issue/OPS-7')
      .query(FIELDS)
      .reply(200, issue('OPS-7', 'In Review'));

    const lookup = await createJiraTicketReader(dataCenter).lookup('OPS-7', ISSUE_ONLY);

    expect(lookup).toMatchObject({ found: true, key: 'OPS-7', status: 'In Review', url: 'https://jira.acme.test/jira/browse/OPS-7' });
  });

  it('reports the key Jira answers with when the issue moved to another project', async () => {
    mockGetIssue(cloud, 'OLD-4').reply(200, issue('CHG-12'));

    const lookup = await createJiraTicketReader(cloud).lookup('OLD-4', ISSUE_ONLY);

    expect(lookup).toMatchObject({ found: true, key: 'CHG-12', requestedKey: 'OLD-4', url: `${BASE}/browse/CHG-12` });
  });

  it('answers not found when Jira says the issue does not exist', async () => {
    mockGetIssue(cloud, 'CHG-404').reply(404, JIRA_NOT_FOUND);

    const lookup = await createJiraTicketReader(cloud).lookup('CHG-404', ISSUE_ONLY);

    expect(lookup).toEqual({ found: false, requestedKey: 'CHG-404', url: `${BASE}/browse/CHG-404` });
  });

  it.each([
    {
      case: '401 on Cloud',
      settings: cloud,
      reply: 401,
      message: 'Jira refused the credentials (HTTP 401) when reading CHG-1; check JIRA_EMAIL and JIRA_API_TOKEN',
    },
    {
      case: '403 on Data Center',
      settings: dataCenter,
      reply: 403,
      message: 'Jira refused the credentials (HTTP 403) when reading CHG-1; check JIRA_PAT',
    },
    { case: '503', settings: cloud, reply: 503, message: 'Jira failed to answer for CHG-1 (HTTP 503)' },
    { case: '429', settings: cloud, reply: 429, message: 'Jira rate-limited the request for CHG-1 (HTTP 429)' },
    {
      case: '404 without a Jira error body (wrong base URL, proxy)',
      settings: cloud,
      reply: 404,
      body: '<html>Not Found</html>',
      message: `Jira answered HTTP 404 for CHG-1 without a Jira error body; check JIRA_BASE_URL (${BASE})`,
    },
    {
      case: '400 with a Jira error message',
      settings: cloud,
      reply: 400,
      body: { errorMessages: ['Issue key is in an invalid format.'], errors: {} },
      message: 'Jira answered HTTP 400 for CHG-1: Issue key is in an invalid format.',
    },
  ])('fails with a provider error on HTTP $case', async ({ settings, reply, body, message }) => {
    mockGetIssue(settings, 'CHG-1').reply(reply, body ?? { errorMessages: [] });

    const error = await lookupError(settings, 'CHG-1');

    expect(error.message).toBe(message);
  });

  it('fails with a provider error naming the code when the connection is refused', async () => {
    // A real refused connection on loopback (port 1 is closed): nock's replyWithError races its own socket
    // error event under load and was flaky.
    const closed = 'http://127.0.0.1:1';
    nock.enableNetConnect('127.0.0.1:1');
    let error: TicketProviderError;
    try {
      error = await lookupError({ ...cloud, baseUrl: closed }, 'CHG-1');
    } finally {
      nock.disableNetConnect();
      // nock reports the passed-through request as unmatched; it was meant to reach the network.
      unmatched.splice(0);
    }

    expect(error.message).toBe(`Jira could not be reached at ${closed} for CHG-1 (ECONNREFUSED)`);
  });

  it('fails with a provider error when Jira does not answer within JIRA_TIMEOUT_MS', async () => {
    mockGetIssue(cloud, 'CHG-1').delay(500).reply(200, issue('CHG-1'));

    const error = await lookupError({ ...cloud, timeoutMs: 50 }, 'CHG-1');

    expect(error.message).toMatch(/^Jira did not answer within 50 ms for CHG-1 \(timeout, (ECONNABORTED|ETIMEDOUT)\)$/);
  });

  it.each([
    {
      case: 'a missing status',
      body: { key: 'CHG-1', fields: { issuetype: { name: 'Change' }, summary: 'x' } },
      problem: 'fields.status: ',
    },
    { case: 'an HTML login page', body: '<html>Log in</html>', problem: '(root): ' },
  ])('fails with a provider error on an unexpected issue shape: $case', async ({ body, problem }) => {
    mockGetIssue(cloud, 'CHG-1').reply(200, body);

    const error = await lookupError(cloud, 'CHG-1');

    expect(error.message).toContain(`Jira answered with an unexpected shape for CHG-1: ${problem}`);
  });

  it.each([
    { case: 'Cloud, HTTP 401', settings: cloud, reply: 401 },
    { case: 'Data Center, HTTP 500', settings: dataCenter, reply: 500 },
  ])('keeps credentials out of the error and its cause ($case)', async ({ settings, reply }) => {
    mockGetIssue(settings, 'CHG-1').reply(reply, { errorMessages: [] });

    const error = await lookupError(settings, 'CHG-1');

    const seen = [error.message, inspect(error, { depth: 10 }), JSON.stringify(error.cause)].join('\n');
    for (const secret of [API_TOKEN, PAT, BASIC.slice('Basic '.length)]) {
      expect(seen).not.toContain(secret);
    }
  });
});
