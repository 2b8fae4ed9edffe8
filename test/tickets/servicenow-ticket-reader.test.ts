import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createResilientReader } from '../../src/tickets/create-resilient-reader.js';
import { createServiceNowTicketReader } from '../../src/tickets/servicenow/create-servicenow-ticket-reader.js';
import { readServiceNowEnv, type ServiceNowSettings } from '../../src/tickets/servicenow/servicenow-env.js';
import { TicketProviderError, type TicketQuery } from '../../src/tickets/ticket-reader.js';
import { CHANGE_MANAGER_RECORD, DEFAULT_SERVICENOW_USER, startServiceNowSimulator, type ServiceNowSimulator } from '../simulators/index.js';

const QUERY: TicketQuery = { approvedStatuses: ['Scheduled', 'Implement'], jsmApprovals: false, window: null };
const TOKEN = 'oauth-token-s3cret';
const DAN = { userName: 'dan.deputy', email: 'dan@acme.test', name: 'Dan Deputy' };

let sn: ServiceNowSimulator;
beforeAll(async () => {
  sn = await startServiceNowSimulator({ token: TOKEN });
});
afterAll(() => sn.stop());
afterEach(() => {
  expect(sn.unexpectedRequests()).toEqual([]);
  sn.reset();
});

const basic = (): ServiceNowSettings => ({ instanceUrl: sn.url, auth: { kind: 'basic', ...DEFAULT_SERVICENOW_USER }, timeoutMs: 2000 });

describe('createServiceNowTicketReader against the ServiceNow simulator', () => {
  it('finds an approved, scheduled change by number and records its approvers', async () => {
    const change = sn.addChange({ number: 'CHG0030001', approvedBy: [CHANGE_MANAGER_RECORD, DAN], shortDescription: 'Rotate certs' });

    const lookup = await createServiceNowTicketReader(basic()).lookup('CHG0030001', QUERY);

    expect(lookup).toEqual({
      found: true,
      key: 'CHG0030001',
      requestedKey: 'CHG0030001',
      status: 'Scheduled',
      issueType: 'Normal',
      summary: 'Rotate certs',
      url: `${sn.url}/change_request.do?sys_id=${change.sysId}`,
      approval: {
        how: 'servicenow-approval',
        decision: 'approved',
        approvers: [
          { accountId: 'cara.change', email: 'cara@acme.test', displayName: 'Cara Change' },
          { accountId: 'dan.deputy', email: 'dan@acme.test', displayName: 'Dan Deputy' },
        ],
        at: '2026-05-01T09:01:00Z',
        detail: 'Approved',
      },
    });
    expect(sn.requests().map((r) => [r.path, r.query.sysparm_query, r.query.sysparm_fields, r.auth])).toEqual([
      ['/api/now/table/change_request', 'number=CHG0030001', 'sys_id,number,state,approval,type,short_description', 'basic'],
      [
        '/api/now/table/sysapproval_approver',
        `sysapproval=${change.sysId}^state=approved^ORDERBYsys_updated_on`,
        'state,sys_updated_on,approver.user_name,approver.email,approver.name',
        'basic',
      ],
    ]);
  });

  it('answers not found when no change has the number', async () => {
    const lookup = await createServiceNowTicketReader(basic()).lookup('CHG0039999', QUERY);

    expect(lookup).toEqual({
      found: false,
      requestedKey: 'CHG0039999',
      url: `${sn.url}/change_request_list.do?sysparm_query=number%3DCHG0039999`,
    });
  });

  it.each([
    { case: 'not approved yet', approval: 'requested', decision: 'pending' },
    { case: 'rejected', approval: 'rejected', decision: 'declined' },
  ])('reports a change $case without reading approvers', async ({ approval, decision }) => {
    sn.addChange({ number: 'CHG0030002', approval });

    const lookup = await createServiceNowTicketReader(basic()).lookup('CHG0030002', QUERY);

    expect(lookup).toMatchObject({ found: true, approval: { decision, approvers: [] } });
    expect(sn.requests()).toHaveLength(1);
  });

  it('does not read approvals of a change in a state the policy does not accept', async () => {
    sn.addChange({ number: 'CHG0030003', state: 'Assess' });

    const lookup = await createServiceNowTicketReader(basic()).lookup('CHG0030003', QUERY);

    expect(lookup).toMatchObject({ found: true, status: 'Assess', approval: null });
    expect(sn.requests()).toHaveLength(1);
  });

  it('signs in with an OAuth bearer token', async () => {
    sn.addChange({ number: 'CHG0030004' });

    await createServiceNowTicketReader({ ...basic(), auth: { kind: 'bearer', token: TOKEN } }).lookup('CHG0030004', QUERY);

    expect(sn.requests().map((r) => r.auth)).toEqual(['bearer', 'bearer']);
  });

  it('retries a 429 after Retry-After and fails closed on refused credentials, without the password in the error', async () => {
    sn.addChange({ number: 'CHG0030005' });
    sn.failNext({ status: 429, retryAfter: '1' });
    const waits: number[] = [];
    const retrying = createResilientReader({
      reader: createServiceNowTicketReader(basic()),
      retries: { attempts: 3, baseDelayMs: 10, maxDelayMs: 5000, sleep: async (ms) => void waits.push(ms) },
    });

    await expect(retrying.lookup('CHG0030005', QUERY)).resolves.toMatchObject({ found: true });
    expect(waits).toEqual([1000]);

    const wrong = createServiceNowTicketReader({
      ...basic(),
      auth: { kind: 'basic', username: 'change.control', password: 'wrong-pa55word' },
    });
    const error = await wrong.lookup('CHG0030005', QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketProviderError);
    expect((error as Error).message).toBe(
      "ServiceNow refused the credentials (HTTP 401) when reading CHG0030005; check SERVICENOW_USERNAME and SERVICENOW_PASSWORD and the user's roles",
    );
    expect(inspect(error, { depth: 10 })).not.toContain('wrong-pa55word');
  });

  it('fails with a provider error when the instance cannot be reached', async () => {
    const error = await createServiceNowTicketReader({ ...basic(), instanceUrl: 'http://127.0.0.1:2' })
      .lookup('CHG0030006', QUERY)
      .catch((e: unknown) => e);

    expect((error as TicketProviderError).message).toBe(
      'ServiceNow could not be reached at http://127.0.0.1:2 for CHG0030006 (ECONNREFUSED)',
    );
    expect((error as TicketProviderError).retryable).toBe(true);
  });
});

describe('ServiceNow write-back: a work note on the change', () => {
  it('adds the PR link and the evidence lines as one work note', async () => {
    const change = sn.addChange({ number: 'CHG0030010' });

    const result = await createServiceNowTicketReader(basic()).writeBack!({
      key: 'CHG0030010',
      link: { url: 'https://github.com/acme/payments/pull/7', title: 'acme/payments#7: Rotate certs' },
      lines: ['Merge commit: abc', 'Checks: build=success'],
    });

    expect(result).toEqual({ steps: [{ step: 'work-note', ok: true, error: null }] });
    expect(sn.change('CHG0030010')?.workNotes).toEqual([
      'acme/payments#7: Rotate certs: https://github.com/acme/payments/pull/7\nMerge commit: abc\nChecks: build=success',
    ]);
    expect(sn.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/now/table/change_request',
      `PATCH /api/now/table/change_request/${change.sysId}`,
    ]);
  });

  it('reports a failed work note instead of throwing', async () => {
    sn.addChange({ number: 'CHG0030011' });
    sn.failNext({ status: 503 });

    const result = await createServiceNowTicketReader(basic()).writeBack!({ key: 'CHG0030011', link: { url: 'u', title: 't' }, lines: [] });

    expect(result).toEqual({ steps: [{ step: 'work-note', ok: false, error: 'ServiceNow failed to answer for CHG0030011 (HTTP 503)' }] });
  });
});

describe('readServiceNowEnv', () => {
  it.each([
    { env: {}, result: { ok: false, reason: 'SERVICENOW_INSTANCE_URL is not set' } },
    {
      env: { SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com/', SERVICENOW_USERNAME: 'cc', SERVICENOW_PASSWORD: 'pw' },
      result: {
        ok: true,
        value: { instanceUrl: 'https://acme.service-now.com', auth: { kind: 'basic', username: 'cc', password: 'pw' }, timeoutMs: 5000 },
      },
    },
    {
      env: { SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com', SERVICENOW_TOKEN: 'tok', SERVICENOW_TIMEOUT_MS: '2500' },
      result: { ok: true, value: { instanceUrl: 'https://acme.service-now.com', auth: { kind: 'bearer', token: 'tok' }, timeoutMs: 2500 } },
    },
    {
      env: {
        SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com',
        SERVICENOW_TOKEN: 'tok-s3cret',
        SERVICENOW_USERNAME: 'cc',
        SERVICENOW_PASSWORD: 'pw-s3cret',
      },
      result: { ok: false, reason: 'set either SERVICENOW_USERNAME and SERVICENOW_PASSWORD or SERVICENOW_TOKEN, not both' },
    },
  ])('$env', ({ env, result }) => {
    expect(readServiceNowEnv(env)).toEqual(result);
  });
});
