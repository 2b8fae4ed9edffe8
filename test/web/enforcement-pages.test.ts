import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AuditStore } from '../../src/audit/audit-entry.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { chainChecker } from '../../src/web/dashboard/chain-checker.js';
import type { DashboardDeps } from '../../src/web/dashboard/dashboard-context.js';
import type { DashboardSettings } from '../../src/web/dashboard/dashboard-env.js';
import { dashboardHandler } from '../../src/web/dashboard/dashboard-handler.js';
import { signValue } from '../../src/web/dashboard/signed-cookie.js';
import { enforcementEntries, HOSTILE, REPO } from '../report/enforcement-seed.js';
import { seedStore, tempDir } from '../cli/seed.js';

const SECRET = 'k'.repeat(48);
const NOW = new Date('2026-03-02T12:00:00.000Z');
const SETTINGS: DashboardSettings = {
  pages: { clientId: 'Iv1.test', clientSecret: 'secret', sessionSecret: SECRET, teams: [{ org: 'acme', slug: 'compliance' }] },
  apiTokenHashes: [],
  publicUrl: null,
  github: { web: 'http://github.invalid', api: 'http://github.invalid/api/v3' },
};
const cookie = `cc_session=${signValue({ login: 'carol', team: 'acme/compliance', checkedAt: NOW.getTime(), exp: NOW.getTime() + 3_600_000 }, SECRET)}`;

describe('the dashboard on enforcement history', () => {
  const temp = tempDir();
  const path = join(temp.dir, 'audit.db');
  let store: AuditStore;
  let server: Server;
  let base = '';

  beforeAll(async () => {
    await seedStore(path, enforcementEntries());
    store = await openAuditStore({ databaseUrl: `sqlite:${path}` });
    const deps = (): DashboardDeps => ({
      store,
      settings: SETTINGS,
      findMemberTeam: async ({ teams }) => teams[0] ?? null,
      fetch: () => Promise.reject(new Error('no network in this test')),
      now: () => NOW,
      checkChain: chainChecker({ store, now: () => NOW }),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as DashboardDeps['log'],
    });
    server = createServer((req, res) => void dashboardHandler(deps())(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    temp.remove();
  });

  const page = async (p: string) => {
    const response = await fetch(`${base}${p}`, { headers: { cookie }, redirect: 'manual' });
    return { status: response.status, body: await response.text() };
  };

  it('counts and lists the enforcement gaps of the period on the posture page', async () => {
    const { status, body } = await page('/dashboard?since=2026-02-01&until=2026-03-01');
    expect(status).toBe(200);
    expect(body).toContain('<div class="card" data-metric="enforcement-gaps"><div class="value">1</div>');
    expect(body).toContain(
      `<tr data-gap="3"><td>${REPO}</td><td>main</td><td>not-enforced</td><td>2026-02-10T09:00:00.000Z</td><td>2026-02-20T09:00:00.000Z</td>`,
    );
    const january = await page('/dashboard?since=2026-01-01&until=2026-02-01');
    expect(january.body).toContain('<div class="card" data-metric="enforcement-gaps"><div class="value">0</div>');
  });

  it('lists them in the posture API', async () => {
    const response = await fetch(`${base}/api/v1/posture?since=2026-02-01&until=2026-03-01`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const posture = (await response.json()) as { enforcementGaps: Array<{ repo: string; status: string; seq: number }> };
    expect(posture.enforcementGaps).toEqual([expect.objectContaining({ repo: REPO, status: 'not-enforced', seq: 3 })]);
  });

  it('shows the gate and the access review at a past date, escaping what people control', async () => {
    const during = await page('/dashboard/access?at=2026-02-15');
    expect(during.status).toBe(200);
    expect(during.body).toContain(`<tr data-branch="${REPO} main" data-status="not-enforced">`);
    expect(during.body).not.toContain(HOSTILE);
    expect(during.body).toContain('<td>&#60;img src=x onerror=alert(1)&#62;</td>');
    expect(during.body).toMatch(
      /<tr data-login="alice"><td>alice<\/td><td>write<\/td><td>direct \(write\)<\/td><td>yes<\/td><td>yes<\/td><td>—<\/td><td>—<\/td><\/tr>/,
    );
    const after = await page('/dashboard/access?at=2026-03-01');
    expect(after.body).toContain(`<tr data-branch="${REPO} main" data-status="enforced">`);
    expect(after.body).toContain(`<td>main (ruleset 7 (${REPO}))</td>`);
  });

  it('refuses a date it cannot read, saying what is allowed', async () => {
    const { status, body } = await page('/dashboard/access?at=yesterday');
    expect(status).toBe(400);
    expect(body).toContain('at must be a date like 2026-01-31 or a time with its offset, got &#34;yesterday&#34;');
  });
});
