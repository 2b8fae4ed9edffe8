import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { exportCommand } from '../../src/cli/export-command.js';
import { captureIo, seedStore, tempDir } from '../cli/seed.js';
import { FEBRUARY, februaryEntries, XSS_TITLE } from '../report/dashboard-seed.js';
import { REPO_ROOT } from '../e2e/harness/build-app.js';
import type { E2E } from '../e2e/harness/start-e2e.js';
import { useE2E } from '../e2e/harness/use-e2e.js';
import { DEFAULT_OAUTH_CLIENT } from '../simulators/github/oauth-routes.js';
import { launchChromium } from './launch-chromium.js';

/**
 * The dashboard in headless Chromium against the real app process: sign-in through the GitHub simulator's OAuth
 * pages, team membership asked of the simulated GitHub, and the pages over a seeded SQLite audit store.
 * `UPDATE_SCREENSHOTS=1` writes the README's screenshots to docs/images/ (the seed and the period are fixed).
 */
const temp = tempDir();
const dbPath = join(temp.dir, 'audit.db');
const PERIOD = `since=${FEBRUARY.since}&until=${FEBRUARY.until}`;
const screenshots = process.env.UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'images') : join(temp.dir, 'screenshots');

let e2e: E2E;
let browser: Browser;

// Registered before useE2E's, so the store holds the seed when the app opens it.
beforeAll(async () => {
  await seedStore(dbPath, februaryEntries());
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
});

useE2E((started) => (e2e = started), {
  env: {
    DATABASE_URL: `sqlite:${dbPath}`,
    GITHUB_CLIENT_ID: DEFAULT_OAUTH_CLIENT.clientId,
    GITHUB_CLIENT_SECRET: DEFAULT_OAUTH_CLIENT.clientSecret,
    SESSION_SECRET: 'dashboard-browser-test-session-secret-0123456789',
    DASHBOARD_TEAMS: 'acme/compliance',
  },
  afterReset: (started) => {
    started.newRepo(); // the app's installation on acme, through which it reads the team
    started.github.addTeam({ org: 'acme', slug: 'compliance', members: ['carol'] });
  },
});

afterAll(async () => {
  await browser?.close();
  temp.remove();
});

/** Opens `path`, is sent to GitHub's authorize page, signs in as `login`, and returns where the app sends the browser. */
async function signIn(page: Page, path: string, login: string): Promise<void> {
  await page.goto(`${e2e.app.url}${path}`);
  expect(page.url()).toContain(`${e2e.github.url}/login/oauth/authorize?client_id=${DEFAULT_OAUTH_CLIENT.clientId}`);
  await page.getByLabel('Username').fill(login);
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForLoadState('load');
}

async function newPage(): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, dialogs };
}

describe('the compliance dashboard in a browser', () => {
  it('refuses someone who is not in DASHBOARD_TEAMS, with a clear page', async () => {
    const { context, page } = await newPage();
    try {
      const response = page.waitForResponse((r) => r.url().startsWith(`${e2e.app.url}/dashboard/callback`));
      await signIn(page, '/dashboard', 'mallory');
      expect((await response).status()).toBe(403);
      await expect(page.locator('h1').textContent()).resolves.toBe('Access refused');
      await expect(page.locator('main').textContent()).resolves.toContain(
        'mallory is not a member of the teams allowed to see the compliance dashboard (acme/compliance)',
      );
      // No session: the dashboard sends the browser to sign in again.
      await page.goto(`${e2e.app.url}/dashboard`);
      expect(page.url()).toContain('/login/oauth/authorize');
    } finally {
      await context.close();
    }
  });

  it('signs a member in, shows the posture, filters, a change and its evidence, and downloads the CSV', async () => {
    const { context, page, dialogs } = await newPage();
    try {
      await signIn(page, `/dashboard?${PERIOD}`, 'carol');
      expect(page.url()).toBe(`${e2e.app.url}/dashboard?${PERIOD}`);
      await expect(page.locator('header .user').textContent()).resolves.toBe('Signed in as carol');
      const cookies = await context.cookies(e2e.app.url);
      expect(cookies.find((c) => c.name === 'cc_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

      // Posture: the exact numbers of the seed.
      const metric = (name: string) => page.locator(`[data-metric="${name}"] .value`).textContent();
      expect(await Promise.all(['merged', 'rate', 'bypass', 'emergency', 'emergency-overdue'].map(metric))).toEqual([
        '9',
        '66.7 %',
        '1',
        '2',
        '1',
      ]);
      const payments = await page.locator('tr[data-repo="acme/payments"] td').allTextContents();
      expect(payments).toEqual(['acme/payments', '5', '2', '40.0 %', '1', '2', '1']);
      expect(await page.locator('svg.chart rect').count()).toBe(5);
      await page.screenshot({ path: join(screenshots, 'dashboard-posture.png'), fullPage: true });

      // Organisation filter through the form.
      expect(await page.getByLabel('Organisation').locator('option').allTextContents()).toEqual(['all', 'acme', 'globex']);
      await page.getByLabel('Organisation').selectOption('acme');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForLoadState('load');
      expect(await metric('merged')).toBe('8');
      expect(await page.locator('tr[data-repo]').count()).toBe(3); // acme/ledger, acme/payments, the total

      // Changes, filtered to bypasses: the XSS title is text, and nothing runs.
      await page.goto(`${e2e.app.url}/dashboard/changes?${PERIOD}`);
      await expect(page.locator('#change-count').textContent()).resolves.toContain('9 merged changes');
      await page.screenshot({ path: join(screenshots, 'dashboard-changes.png'), fullPage: true });
      await page.getByLabel('Exception').selectOption('bypass');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForLoadState('load');
      await expect(page.locator('#change-count').textContent()).resolves.toContain('1 merged change ');
      const row = page.locator('tr[data-change="acme/payments#52"] td');
      expect(await row.nth(1).textContent()).toBe(XSS_TITLE);
      expect(await page.locator('main img').count()).toBe(0);

      // The change's evidence.
      await page.getByRole('link', { name: 'acme/payments#52' }).click();
      await page.waitForLoadState('load');
      expect(page.url()).toBe(`${e2e.app.url}/dashboard/changes/acme/payments/52`);
      await expect(page.locator('#chain').textContent()).resolves.toContain('chain verified');
      await expect(page.locator('#chain').textContent()).resolves.toContain('Audit chain verified from entry 1 through entry 13');
      expect(await page.locator('.timeline > li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')))).toEqual([
        'push',
        'verdict',
        'merge',
        'exception',
      ]);
      expect(await page.locator('h1').textContent()).toBe('acme/payments#52');
      await page.goto(`${e2e.app.url}/dashboard/changes/acme/payments/50`);
      await page.screenshot({ path: join(screenshots, 'dashboard-change.png'), fullPage: true });

      // The CSV download is the CLI's export for the same filter.
      await page.goto(`${e2e.app.url}/dashboard/changes?${PERIOD}&repo=acme/payments`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('.downloads a', { hasText: 'CSV' }).first().click(),
      ]);
      expect(download.suggestedFilename()).toBe('change-control-changes-2026-02-01-to-2026-03-01.csv');
      const csv = readFileSync((await download.path()) ?? '', 'utf8');
      const cli = captureIo({ DATABASE_URL: `sqlite:${dbPath}` });
      expect(
        await exportCommand(
          { since: FEBRUARY.since, until: FEBRUARY.until, repo: 'acme/payments', format: 'csv', exceptions: false },
          cli.io,
        ),
      ).toBe(0);
      expect(csv).toBe(cli.stdout());
      expect(csv.split('\r\n').filter((line) => line !== '')).toHaveLength(6); // header and five changes

      // Sign out (a POST from the page): the next visit asks GitHub again.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe('Signed out');
      expect((await context.cookies(e2e.app.url)).find((c) => c.name === 'cc_session')).toBeUndefined();
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
