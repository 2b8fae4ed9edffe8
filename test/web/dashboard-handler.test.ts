import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AuditStore } from '../../src/audit/audit-entry.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { hashToken } from '../../src/web/dashboard/api-tokens.js';
import type { DashboardDeps } from '../../src/web/dashboard/dashboard-context.js';
import { chainChecker } from '../../src/web/dashboard/chain-checker.js';
import { dashboardHandler } from '../../src/web/dashboard/dashboard-handler.js';
import type { DashboardSettings } from '../../src/web/dashboard/dashboard-env.js';
import { CONTENT_SECURITY_POLICY } from '../../src/web/dashboard/respond.js';
import { signValue } from '../../src/web/dashboard/signed-cookie.js';
import { captureIo, seedStore, tempDir } from '../cli/seed.js';
import { exportCommand } from '../../src/cli/export-command.js';
import { FEBRUARY, februaryEntries, NOW, XSS_TITLE } from '../report/dashboard-seed.js';

const SECRET = 'k'.repeat(48);
const API_TOKEN = 't'.repeat(40);
const PERIOD = `since=${FEBRUARY.since}&until=${FEBRUARY.until}`;

const SETTINGS: DashboardSettings = {
  pages: { clientId: 'Iv1.test', clientSecret: 'secret', sessionSecret: SECRET, teams: [{ org: 'acme', slug: 'compliance' }] },
  apiTokenHashes: [hashToken(API_TOKEN)],
  publicUrl: null,
  github: { web: 'http://github.invalid', api: 'http://github.invalid/api/v3' },
};

const session = (input: { login?: string; checkedAt?: number; exp?: number } = {}): string =>
  `cc_session=${signValue({ login: input.login ?? 'carol', team: 'acme/compliance', checkedAt: input.checkedAt ?? NOW.getTime(), exp: input.exp ?? NOW.getTime() + 3_600_000 }, SECRET)}`;

describe('the dashboard handler on a seeded store', () => {
  const temp = tempDir();
  const dbPath = join(temp.dir, 'audit.db');
  let store: AuditStore;
  let server: Server;
  let base = '';
  let members: string[] = ['carol'];
  let memberChecks = 0;
  let settings: DashboardSettings | null = SETTINGS;
  let github: DashboardDeps['fetch'] = () => Promise.reject(new Error('no network in this test'));
  const deps = (): DashboardDeps => ({
    store,
    settings,
    findMemberTeam: async ({ login, teams }) => {
      memberChecks += 1;
      return members.includes(login) ? (teams[0] ?? null) : null;
    },
    fetch: (...args) => github(...args),
    now: () => NOW,
    checkChain: chainChecker({ store, now: () => NOW }),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as DashboardDeps['log'],
  });

  beforeAll(async () => {
    await seedStore(dbPath, februaryEntries());
    store = await openAuditStore({ databaseUrl: `sqlite:${dbPath}` });
    server = createServer((req, res) => {
      void dashboardHandler(deps())(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end('not ours');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    temp.remove();
  });
  beforeEach(() => {
    members = ['carol'];
    memberChecks = 0;
    settings = SETTINGS;
    github = () => Promise.reject(new Error('no network in this test'));
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, redirect: 'manual' });

  it('leaves other paths to the next handler', async () => {
    expect(await (await get('/healthz')).text()).toBe('not ours');
    expect(await (await get('/dashboards')).text()).toBe('not ours');
  });

  it('serves a page with or without a trailing slash, and 404 for no page', async () => {
    expect((await get(`/dashboard/?${PERIOD}`, { cookie: session() })).status).toBe(200);
    expect((await get(`/dashboard/changes/?${PERIOD}`, { cookie: session() })).status).toBe(200);
    expect((await get('/dashboard/nothing', { cookie: session() })).status).toBe(404);
  });

  it('sends a visitor without a session to sign in, keeping where they were going', async () => {
    const response = await get(`/dashboard/changes?${PERIOD}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/dashboard/login?returnTo=${encodeURIComponent(`/dashboard/changes?${PERIOD}`)}`);
  });

  it('starts the OAuth flow with a state kept in a short-lived signed cookie', async () => {
    const response = await get('/dashboard/login?returnTo=/dashboard/changes');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('http://github.invalid/login/oauth/authorize');
    expect(location.searchParams.get('client_id')).toBe('Iv1.test');
    expect(location.searchParams.get('redirect_uri')).toBe(`${base}/dashboard/callback`);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^cc_oauth=[^;]+; Path=\/dashboard\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    expect(location.searchParams.get('state')).toHaveLength(32);
  });

  it('refuses a callback whose state does not match its cookie', async () => {
    const response = await get('/dashboard/callback?code=abc&state=forged');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Sign-in expired');
  });

  describe('the OAuth callback', () => {
    /** Starts a sign-in and returns its state and the state cookie, as the browser would carry them back. */
    async function started(): Promise<{ state: string; cookie: string }> {
      const login = await get('/dashboard/login?returnTo=/dashboard/changes');
      const state = new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? '';
      return { state, cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    }
    const answers = (...bodies: unknown[]): DashboardDeps['fetch'] => {
      const queue = [...bodies];
      return async () => Response.json(queue.shift());
    };

    it('exchanges the code, reads the login, checks the team and opens a session', async () => {
      const requests: string[] = [];
      const reply = answers({ access_token: 'ghu_token', token_type: 'bearer', scope: '' }, { login: 'carol' });
      github = async (url, init) => {
        requests.push(`${init?.method ?? 'GET'} ${String(url)} ${init?.body ? String(init.body) : ''}`.trim());
        return reply(url, init);
      };
      const { state, cookie } = await started();
      const response = await get(`/dashboard/callback?code=c0de&state=${state}`, { cookie });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/dashboard/changes');
      expect(response.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['cc_oauth', 'cc_session']);
      expect(requests).toEqual([
        `POST http://github.invalid/login/oauth/access_token {"client_id":"Iv1.test","client_secret":"secret","code":"c0de","redirect_uri":"${base}/dashboard/callback"}`,
        'GET http://github.invalid/api/v3/user',
      ]);
      expect(memberChecks).toBe(1);
      const session = response.headers.getSetCookie()[1]?.split(';')[0] ?? '';
      expect((await get('/dashboard', { cookie: session })).status).toBe(200);
    });

    it.each([
      [
        'a code GitHub refuses',
        () => answers({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }),
        'GitHub refused the sign-in code: bad_verification_code (The code passed is incorrect or expired.)',
      ],
      [
        'GitHub unreachable',
        () => () => Promise.reject(new TypeError('fetch failed')),
        'GitHub could not be reached to complete the sign-in.',
      ],
      [
        'GET /user failing',
        () => async (url: string | URL | Request) =>
          String(url).endsWith('/user') ? new Response('{}', { status: 401 }) : Response.json({ access_token: 'ghu_x' }),
        'GitHub answered GET /user with HTTP 401',
      ],
    ])('fails closed on %s, with a 502 page that says why', async (_case, make, message) => {
      github = make() as DashboardDeps['fetch'];
      const { state, cookie } = await started();
      const response = await get(`/dashboard/callback?code=c0de&state=${state}`, { cookie });
      expect(response.status).toBe(502);
      expect(response.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['cc_oauth']);
      expect(await response.text()).toContain(message);
    });

    it('refuses a non-member with 403 and no session', async () => {
      github = answers({ access_token: 'ghu_token' }, { login: 'mallory' });
      const { state, cookie } = await started();
      const response = await get(`/dashboard/callback?code=c0de&state=${state}`, { cookie });
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['cc_oauth']);
      expect(await response.text()).toContain(
        'mallory is not a member of the teams allowed to see the compliance dashboard (acme/compliance)',
      );
    });

    it('says the sign-in was cancelled when GitHub sends an error back', async () => {
      const { state, cookie } = await started();
      const response = await get(`/dashboard/callback?error=access_denied&state=${state}`, { cookie });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('GitHub did not sign you in: access_denied.');
    });
  });

  it('serves the posture with the security headers, no store, and the exact numbers', async () => {
    const response = await get(`/dashboard?${PERIOD}`, { cookie: session() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(body).not.toMatch(/<script|style=/i);
    expect(body).toContain('<div class="card" data-metric="merged"><div class="value">9</div>');
    expect(body).toContain('<div class="card" data-metric="rate"><div class="value">66.7 %</div>');
    // Standard, normal and emergency changes counted apart (the seed has no standard change).
    expect(body).toContain('<div class="card" data-metric="standard"><div class="value">0</div>');
    expect(body).toContain('<div class="card" data-metric="normal"><div class="value">7</div>');
    expect(body).toContain('<div class="card" data-metric="emergency"><div class="value">2</div>');
    expect(body).toMatch(
      /<tr data-repo="acme\/payments">.*?<td class="num"><a [^>]*>5<\/a><\/td><td class="num"><a [^>]*>2<\/a><\/td><td class="num">40.0 %<\/td>/,
    );
  });

  it('links each posture number to a Changes page listing that many changes', async () => {
    const body = await (await get(`/dashboard?${PERIOD}`, { cookie: session() })).text();
    const links = [...body.matchAll(/<td class="num"><a href="\/dashboard\/changes\?([^"]+)">(\d+)<\/a><\/td>/g)].map(
      (m) => [(m[1] ?? '').replace(/&#38;/g, '&'), Number(m[2])] as const,
    );
    expect(links).toHaveLength(14); // merged and passed of 3 repositories and the total, and 3 non-zero exception counts twice (acme/payments, total)
    for (const [query, count] of links) {
      const changes = (await (await get(`/api/v1/changes?${query}`, { authorization: `Bearer ${API_TOKEN}` })).json()) as { total: number };
      expect([query, changes.total]).toEqual([query, count]);
    }
  });

  it('escapes user-controlled text on the Changes page', async () => {
    const body = await (await get(`/dashboard/changes?${PERIOD}&exception=bypass`, { cookie: session() })).text();
    expect(body).toContain('1 merged change from 2026-02-01');
    expect(body).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(body).not.toContain(XSS_TITLE);
  });

  it('answers a bad filter with 400 and says what is wrong', async () => {
    const response = await get('/dashboard/changes?verdict=passed', { cookie: session() });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('verdict must be one of success, pending, failure, error, none, got &#34;passed&#34;');
  });

  it('is read-only: 405 for anything but GET and HEAD, and for a GET of the sign-out', async () => {
    const post = await fetch(`${base}/dashboard/changes`, { method: 'POST', headers: { cookie: session() }, redirect: 'manual' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await get('/dashboard/logout', { cookie: session() })).status).toBe(405);
  });

  it('signs out only from its own origin', async () => {
    const logout = (headers: Record<string, string>) =>
      fetch(`${base}/dashboard/logout`, { method: 'POST', headers: { cookie: session(), ...headers }, redirect: 'manual' });
    expect((await logout({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await logout({ 'sec-fetch-site': 'cross-site', origin: 'null' })).status).toBe(403);
    expect((await logout({})).status).toBe(403);
    expect((await logout({ origin: base })).status).toBe(200);
    const own = await logout({ 'sec-fetch-site': 'same-origin', origin: 'null' });
    expect(own.status).toBe(200);
    expect(own.headers.get('set-cookie')).toBe('cc_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  });

  it('checks membership again after 10 minutes, and refuses someone removed from the team', async () => {
    expect((await get('/dashboard', { cookie: session({ checkedAt: NOW.getTime() - 5 * 60_000 }) })).status).toBe(200);
    expect(memberChecks).toBe(0);
    const renewed = await get('/dashboard', { cookie: session({ checkedAt: NOW.getTime() - 11 * 60_000 }) });
    expect(renewed.status).toBe(200);
    expect(memberChecks).toBe(1);
    expect(renewed.headers.get('set-cookie')).toMatch(/^cc_session=/);
    members = [];
    const refused = await get('/dashboard', { cookie: session({ checkedAt: NOW.getTime() - 11 * 60_000 }) });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('treats an expired or forged session as none', async () => {
    expect((await get('/dashboard', { cookie: session({ exp: NOW.getTime() - 1 }) })).status).toBe(302);
    expect((await get('/dashboard', { cookie: `${session()}x` })).status).toBe(302);
  });

  it('shows a change with its evidence timeline and the chain verified up to it', async () => {
    const body = await (await get('/dashboard/changes/acme/payments/50', { cookie: session() })).text();
    expect(body).toContain(
      'Audit chain verified from entry 1 through entry 9, this change&#39;s last entry (hashes checked; whole chain last walked at 2026-03-02T12:00:00.000Z).',
    );
    expect([...body.matchAll(/data-kind="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'push',
      'verdict',
      'verdict',
      'merge',
      'deployment-status',
    ]);
    expect((await get('/dashboard/changes/acme/payments/999', { cookie: session() })).status).toBe(404);
  });

  it('downloads the same CSV as `audit export` for the same period and repository', async () => {
    const response = await get(`/dashboard/export.csv?${PERIOD}&repo=acme/payments`, { cookie: session() });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="change-control-changes-2026-02-01-to-2026-03-01.csv"');
    const capture = captureIo({ DATABASE_URL: `sqlite:${dbPath}` });
    expect(
      await exportCommand(
        { since: FEBRUARY.since, until: FEBRUARY.until, repo: 'acme/payments', format: 'csv', exceptions: false },
        capture.io,
      ),
    ).toBe(0);
    expect(await response.text()).toBe(capture.stdout());
  });

  it('narrows the downloads to the filter', async () => {
    const csv = await (await get(`/dashboard/export.csv?${PERIOD}&exception=bypass`, { cookie: session() })).text();
    expect(
      csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',').slice(0, 2).join('#')),
    ).toEqual(['acme/payments#52']);
    const exceptions = await (await get(`/dashboard/exceptions.jsonl?${PERIOD}`, { cookie: session() })).text();
    expect(
      exceptions
        .trim()
        .split('\n')
        .map((line) => {
          const row = JSON.parse(line) as { pr: number; type: string };
          return `${row.pr}:${row.type}`;
        }),
    ).toEqual(['52:bypass', '53:emergency-overdue', '54:emergency']);
  });

  describe('the JSON API', () => {
    const bearer = { authorization: `Bearer ${API_TOKEN}` };

    it('wants a token or a session: 401 with WWW-Authenticate otherwise', async () => {
      const none = await get('/api/v1/changes');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="change-control"');
      expect((await get('/api/v1/changes', { authorization: `Bearer ${'x'.repeat(40)}` })).status).toBe(401);
      expect((await get(`/api/v1/changes?${PERIOD}`, { cookie: session() })).status).toBe(200);
    });

    it('pages the changes with the filters', async () => {
      const body = (await (await get(`/api/v1/changes?${PERIOD}&org=acme&perPage=3&page=2`, bearer)).json()) as {
        total: number;
        page: number;
        perPage: number;
        changes: Array<Record<string, unknown>>;
      };
      expect({ total: body.total, page: body.page, perPage: body.perPage }).toEqual({ total: 8, page: 2, perPage: 3 });
      expect(body.changes.map((c) => `${String(c.repo)}#${String(c.prNumber)}`)).toEqual([
        'acme/payments#52',
        'acme/payments#53',
        'acme/payments#54',
      ]);
      expect(body.changes[0]).toEqual({
        repo: 'acme/payments',
        prNumber: 52,
        title: XSS_TITLE,
        url: 'https://github.com/acme/payments/pull/52',
        author: 'alice',
        mergedAt: '2026-02-10T15:00:00.000Z',
        mergedBy: 'admin-carol',
        mergeSha: 'f'.repeat(40),
        headSha: 'b'.repeat(40),
        baseRef: 'main',
        ticket: 'PAY-12',
        approvers: [],
        security: [],
        gateState: 'pending',
        atMergeState: 'pending',
        evidence: 'verified',
        passed: false,
        exceptions: ['bypass'],
        changeType: 'normal',
        standardClass: null,
        mergeSeq: 12,
        at: '2026-02-10T15:00:00.000Z',
        evidencePath: '/dashboard/changes/acme/payments/52',
      });
    });

    it('gives the posture and the exceptions', async () => {
      const posture = (await (await get(`/api/v1/posture?${PERIOD}`, bearer)).json()) as { total: unknown; weeks: unknown[] };
      expect(posture.total).toEqual({
        merged: 9,
        passed: 6,
        rate: 6 / 9,
        bypass: 1,
        emergency: 2,
        emergencyOverdue: 1,
        standard: 0,
        normal: 7,
      });
      expect(posture.weeks).toHaveLength(5);
      const exceptions = (await (await get(`/api/v1/exceptions?${PERIOD}&exception=emergency-overdue`, bearer)).json()) as {
        total: number;
        exceptions: Array<Record<string, unknown>>;
      };
      expect(exceptions.total).toBe(1);
      expect(exceptions.exceptions[0]).toMatchObject({
        repo: 'acme/payments',
        pr: 53,
        type: 'emergency-overdue',
        authorised_by: 'carol',
        due_at: '2026-02-14T03:00:00.000Z',
        retro_approved_by: null,
      });
    });

    it('gives one change with its entries and chain status', async () => {
      const body = (await (await get('/api/v1/changes/acme/payments/54', bearer)).json()) as {
        change: { exceptions: string[] };
        chain: Record<string, unknown>;
        entries: Array<{ kind: string }>;
      };
      expect(body.change.exceptions).toEqual(['emergency']);
      expect(body.chain).toEqual({
        ok: true,
        count: 20,
        headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        upToSeq: 18,
        checked: 'hashes',
        fullCheckAt: NOW.toISOString(),
      });
      expect(body.entries.map((e) => e.kind)).toEqual(['emergency', 'merge', 'retro-approval']);
    });

    it('answers a bad filter with 400 and the reasons, and a write with 405', async () => {
      const bad = await get('/api/v1/changes?perPage=0&colour=red', bearer);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        error: 'invalid filter',
        errors: [
          'perPage must be a whole number from 1 to 200',
          'unknown filter colour; allowed: org, repo, since, until, verdict, exception, ticket, person, page, perPage',
        ],
      });
      expect((await fetch(`${base}/api/v1/changes`, { method: 'DELETE', headers: bearer })).status).toBe(405);
    });
  });

  describe('when not enabled', () => {
    it('says so on /dashboard and shows no data; the API answers 404', async () => {
      settings = null;
      const page = await get('/dashboard', { cookie: session() });
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('The dashboard is not enabled');
      expect((await get('/api/v1/changes', { authorization: `Bearer ${API_TOKEN}` })).status).toBe(404);
    });

    it('serves the API alone with tokens, and no pages', async () => {
      settings = { ...SETTINGS, pages: null };
      expect((await get(`/api/v1/posture?${PERIOD}`, { authorization: `Bearer ${API_TOKEN}` })).status).toBe(200);
      expect((await get('/dashboard')).status).toBe(404);
    });
  });
});
