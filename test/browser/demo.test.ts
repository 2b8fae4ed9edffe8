import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { REPO_ROOT } from '../e2e/harness/build-app.js';
import { waitFor } from '../e2e/harness/wait.js';
import { launchChromium } from './launch-chromium.js';

/**
 * `npm run demo -- --serve` as a person uses it: started from the checkout as a child process, it seeds its
 * history through the app and prints the dashboard's URL and whom to sign in as; a browser signs in through the
 * simulated GitHub and walks posture → changes → one change's evidence → the CSV export.
 */
let demo: ChildProcessWithoutNullStreams;
let output = '';
let browser: Browser;
let dashboard: string;
let login: string;

beforeAll(async () => {
  // tsx's CLI run by node itself, as `npm run demo` runs it: killing npm could leave its child running (SETUP-NOTES).
  demo = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo.ts', '--serve'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '' },
  });
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitFor(
    'the demo to print the dashboard URL and the user to sign in as',
    () => {
      if (demo.exitCode !== null) throw new Error(`the demo exited with ${demo.exitCode}:\n${output}`);
      return /^Sign in as: /m.test(output);
    },
    { timeoutMs: 240_000, intervalMs: 200 },
  );
  dashboard = /^Dashboard: (\S+)$/m.exec(output)?.[1] ?? '';
  login = /^Sign in as: (\S+)$/m.exec(output)?.[1] ?? '';
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    await exited;
  }
});

/** RFC 4180, as the export writes it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += c;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i += 1;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) endRow();
  const [header = [], ...data] = rows;
  return data.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

describe('npm run demo -- --serve', () => {
  it('prints where to go and whom to sign in as', () => {
    expect(output).toMatch(/^Seeded in [\d.]+ s: 10 merged changes in acme\/payments and acme\/ledger,$/m);
    expect(dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard$/);
    expect(login).toBe('audrey');
  });

  it('walks posture → changes → a change’s evidence → the CSV download', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    try {
      // Sign in through the simulated GitHub's OAuth page, as the demo says.
      await page.goto(dashboard);
      expect(page.url()).toContain('/login/oauth/authorize?client_id=');
      await page.getByLabel('Username').fill(login);
      await page.getByRole('button', { name: 'Authorize' }).click();
      await page.waitForLoadState('load');
      expect(page.url()).toBe(dashboard);
      await expect(page.locator('header .user').textContent()).resolves.toBe(`Signed in as ${login}`);

      // Posture over the default period (13 weeks to today): the seeded four weeks.
      const metric = (name: string) => page.locator(`[data-metric="${name}"] .value`).textContent();
      expect(await Promise.all(['merged', 'rate', 'bypass', 'emergency', 'emergency-overdue'].map(metric))).toEqual([
        '10',
        '80.0 %',
        '1',
        '1',
        '0',
      ]);
      expect(await page.locator('tr[data-repo="acme/payments"] td').nth(1).textContent()).toBe('5');
      expect(await page.locator('tr[data-repo="acme/ledger"] td').nth(1).textContent()).toBe('5');
      // Merges on their simulated days: a bar for each of at least four weeks.
      expect(await page.locator('svg.chart rect').count()).toBeGreaterThanOrEqual(4);

      // Changes: the population, and the one bypass.
      await page.getByRole('link', { name: 'Changes', exact: true }).click();
      await page.waitForLoadState('load');
      await expect(page.locator('#change-count').textContent()).resolves.toContain('10 merged changes');
      await page.getByLabel('Exception').selectOption('bypass');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForLoadState('load');
      await expect(page.locator('#change-count').textContent()).resolves.toContain('1 merged change ');
      const bypass = page.locator('tr[data-change^="acme/ledger#"] a').first();
      const bypassName = (await bypass.textContent()) ?? '';

      // Its evidence: the failing verdict, the merge past it, the exception; the chain verifies.
      await bypass.click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe(bypassName);
      await expect(page.locator('#chain').textContent()).resolves.toContain('chain verified');
      const kinds = await page.locator('.timeline > li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
      expect(kinds).toEqual(expect.arrayContaining(['verdict', 'merge', 'exception']));
      expect(kinds.indexOf('exception')).toBeGreaterThan(kinds.indexOf('merge'));

      // The emergency change: authorised, merged, approved retrospectively, then deployed to production.
      await page.getByRole('link', { name: 'Changes', exact: true }).click();
      await page.waitForLoadState('load');
      await page.getByLabel('Exception').selectOption('emergency');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForLoadState('load');
      await page.locator('tr[data-change^="acme/payments#"] a').first().click();
      await page.waitForLoadState('load');
      const emergencyKinds = await page
        .locator('.timeline > li')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
      expect(emergencyKinds.filter((kind) => ['emergency', 'merge', 'retro-approval', 'deployment-status'].includes(kind ?? ''))).toEqual([
        'emergency',
        'merge', // the claim recorded from the delivery (evidence unverified)
        'merge', // the evidence read back from GitHub (verified)
        'retro-approval',
        'deployment-status',
      ]);
      await expect(page.locator('#chain').textContent()).resolves.toContain('chain verified');

      // The CSV export of every change of the period.
      await page.getByRole('link', { name: 'Changes', exact: true }).click();
      await page.waitForLoadState('load');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('.downloads a', { hasText: 'CSV' }).first().click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^change-control-changes-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
      const rows = parseCsv(readFileSync((await download.path()) ?? '', 'utf8'));
      expect(rows).toHaveLength(10);
      expect(rows.filter((r) => r.repo === 'acme/payments')).toHaveLength(5);
      expect(rows.filter((r) => r.exceptions === 'bypass').map((r) => `${r.repo}#${r.pr}`)).toEqual([bypassName]);
      expect(rows.filter((r) => r.exceptions === 'emergency').map((r) => r.title)).toEqual([
        'CHG-200: Hotfix: stop double-charging on retry',
      ]);
      expect(rows.find((r) => r.exceptions === 'bypass')).toMatchObject({
        title: 'CHG-201: Raise the ledger batch size to 5,000',
        merged_by: 'dave',
        gate_state: 'failure',
      });
      // Every payments change reached production in the seeded deployment; no ledger change was deployed.
      expect(rows.filter((r) => r.deployed_to !== '').map((r) => r.repo)).toEqual(Array(5).fill('acme/payments'));
      // Merged over about four weeks (the simulator's clock), none in the future.
      const days = rows.map((r) => (Date.now() - Date.parse(r.merged_at ?? '')) / 86_400_000);
      expect(Math.max(...days)).toBeGreaterThan(25);
      expect(Math.min(...days)).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});
