import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditStore } from '../../src/audit/audit-entry.js';
import type { DryRunOutcome, DryRunReport } from '../../src/github/dry-run-report.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { hashToken } from '../../src/web/dashboard/api-tokens.js';
import type { DashboardDeps, Simulate } from '../../src/web/dashboard/dashboard-context.js';
import { chainChecker } from '../../src/web/dashboard/chain-checker.js';
import { dashboardHandler } from '../../src/web/dashboard/dashboard-handler.js';
import type { DashboardSettings } from '../../src/web/dashboard/dashboard-env.js';
import { signValue } from '../../src/web/dashboard/signed-cookie.js';

/** `POST /api/v1/simulate` (docs/dashboard.md): auth, body, and how each dry run outcome is answered. */

const API_TOKEN = 't'.repeat(40);
const SECRET = 'k'.repeat(48);
const NOW = new Date('2026-03-01T12:00:00Z');
const SETTINGS: DashboardSettings = {
  pages: { clientId: 'Iv1.test', clientSecret: 'secret', sessionSecret: SECRET, teams: [{ org: 'acme', slug: 'compliance' }] },
  apiTokenHashes: [hashToken(API_TOKEN)],
  publicUrl: null,
  github: { web: 'http://github.invalid', api: 'http://github.invalid/api/v3' },
};
const REPORT: DryRunReport = {
  evaluated: true,
  pullRequest: { repository: 'acme/payments', number: 42, headSha: 'c'.repeat(40), url: 'https://github.com/acme/payments/pull/42' },
  state: 'failure',
  status: { context: 'change-control', state: 'failure', description: 'No CHG ticket in the title, branch or body' },
  checkRun: { name: 'Change control', status: 'completed', conclusion: 'failure', output: { title: 'Blocked', summary: 's', text: 't' } },
  policy: { repo: 'acme/payments', path: '.github/change-control.yml', blobSha: 'b'.repeat(40) },
  candidate: true,
  floor: null,
  evaluatedAt: NOW.toISOString(),
};

let store: AuditStore;
let server: Server;
let base = '';
let settings: DashboardSettings | null = SETTINGS;
let outcome: DryRunOutcome | Error = { kind: 'report', report: REPORT };
let asked: Parameters<Simulate>[0][] = [];
let simulate: Simulate | undefined;

beforeAll(async () => {
  store = await openAuditStore({ databaseUrl: 'sqlite::memory:' });
  const deps = (): DashboardDeps => ({
    store,
    settings,
    findMemberTeam: async ({ teams }) => teams[0] ?? null,
    fetch: () => Promise.reject(new Error('no network in this test')),
    now: () => NOW,
    checkChain: chainChecker({ store, now: () => NOW }),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as DashboardDeps['log'],
    ...(simulate ? { simulate } : {}),
  });
  server = createServer((req, res) => void dashboardHandler(deps())(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
});
beforeEach(() => {
  settings = SETTINGS;
  outcome = { kind: 'report', report: REPORT };
  asked = [];
  simulate = async (input) => {
    asked.push(input);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
});

const bearer = { authorization: `Bearer ${API_TOKEN}` };
const post = (body: unknown, headers: Record<string, string> = bearer) =>
  fetch(`${base}/api/v1/simulate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const BODY = { repository: 'acme/payments', pull_request: 42, policy: 'approval:\n  count: 2\n' };

describe('POST /api/v1/simulate', () => {
  it('answers the dry run report, passing the repository, number and candidate policy', async () => {
    const response = await post(BODY);

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(REPORT);
    expect(asked).toEqual([{ owner: 'acme', repo: 'payments', number: 42, policy: 'approval:\n  count: 2\n' }]);
  });

  it.each<[string, DryRunOutcome, number, unknown]>([
    [
      'not evaluated: 200 with why',
      { kind: 'not-evaluated', answer: { evaluated: false, reason: '#42 is not open' } },
      200,
      { evaluated: false, reason: '#42 is not open' },
    ],
    [
      'an invalid candidate: 422 with each error and its line',
      {
        kind: 'refused',
        problem: 'invalid-policy',
        message: 'the candidate policy is invalid',
        errors: ['policy: approval.count must be a whole number ≥ 0, got -1 (line 2)'],
      },
      422,
      { error: 'the candidate policy is invalid', errors: ['policy: approval.count must be a whole number ≥ 0, got -1 (line 2)'] },
    ],
    [
      'no such pull request: 404',
      { kind: 'refused', problem: 'not-found', message: 'pull request #42 not found in acme/payments', errors: [] },
      404,
      { error: 'pull request #42 not found in acme/payments' },
    ],
    [
      'the app not installed: 404',
      { kind: 'refused', problem: 'no-installation', message: 'the app is not installed on acme/payments', errors: [] },
      404,
      { error: 'the app is not installed on acme/payments' },
    ],
  ])('%s', async (_case, given, status, body) => {
    outcome = given;

    const response = await post(BODY);

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual(body);
  });

  it('GitHub (or the audit store) unreadable: 502 with the reason', async () => {
    outcome = new Error('HttpError: Bad Gateway');

    const response = await post(BODY);

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'the dry run failed: HttpError: Bad Gateway' });
  });

  it.each<[string, unknown, string[]]>([
    [
      'a repository without a slash',
      { repository: 'payments', pull_request: 42 },
      ['repository: repository must be "owner/name", e.g. "acme/payments"'],
    ],
    [
      'a number as a string',
      { repository: 'acme/payments', pull_request: '42' },
      ['pull_request: pull_request must be the pull request number'],
    ],
    [
      'a policy that is not text',
      { repository: 'acme/payments', pull_request: 42, policy: { approval: { count: 2 } } },
      ['policy: policy must be the candidate policy as YAML text'],
    ],
    ['an unknown field', { repository: 'acme/payments', pull_request: 42, dry: true }, ['Unrecognized key: "dry"']],
  ])('400 for %s, and no dry run', async (_case, body, errors) => {
    const response = await post(body);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid request', errors });
    expect(asked).toEqual([]);
  });

  it('400 for a body that is not JSON', async () => {
    const response = await post('repository=acme/payments');

    expect(response.status).toBe(400);
    expect(asked).toEqual([]);
  });

  it('413 for a chunked body over 1 MB, without running the dry run', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/api/v1/simulate`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`{"repository":"acme/payments","pull_request":42,"policy":"${'#'.repeat(1024 * 1024)}"}`);
      req.end();
    });

    expect(status).toBe(413);
    expect(asked).toEqual([]);
  });

  it('needs a bearer token from DASHBOARD_API_TOKENS: none, a wrong one, or only a dashboard session are 401', async () => {
    const cookie = `cc_session=${signValue({ login: 'carol', team: 'acme/compliance', checkedAt: NOW.getTime(), exp: NOW.getTime() + 3_600_000 }, SECRET)}`;

    const none = await post(BODY, {});
    const wrong = await post(BODY, { authorization: `Bearer ${'x'.repeat(40)}` });
    const session = await post(BODY, { cookie });

    expect([none.status, wrong.status, session.status]).toEqual([401, 401, 401]);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="change-control"');
    expect(asked).toEqual([]);
  });

  it('POST only (405), and 404 when no API token is configured or the app gave no dry run', async () => {
    const get = await fetch(`${base}/api/v1/simulate`, { headers: bearer });
    settings = { ...SETTINGS, apiTokenHashes: [] };
    const noTokens = await post(BODY);
    settings = SETTINGS;
    simulate = undefined;
    const noDryRun = await post(BODY);

    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect([noTokens.status, noDryRun.status]).toEqual([404, 404]);
    expect(await noDryRun.json()).toEqual({ error: 'the simulate API is not enabled: set DASHBOARD_API_TOKENS (docs/dashboard.md)' });
  });
});
