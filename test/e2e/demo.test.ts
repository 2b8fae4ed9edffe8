import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from './harness/build-app.js';

const run = promisify(execFile);

/** `npm run demo` (without --serve) from the checkout: one PR played through its three evaluations, then a standard change, printed as text. */
describe('npm run demo', () => {
  it('prints the three verdicts of the pull request, the calls the app made and a standard change passing, and exits 0', async () => {
    // tsx's CLI run by node itself, as `npm run demo` runs it.
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo.ts'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 240_000,
    });

    expect(stdout.split('\n').filter((line) => line.startsWith('commit status'))).toEqual([
      'commit status  change-control: FAILURE — Ticket CHG-1 is Awaiting approval; it needs Approved',
      'commit status  change-control: PENDING — Waiting for build',
      expect.stringMatching(
        /^commit status {2}change-control: SUCCESS — All controls passed: Ticket CHG-1 is Approved; Approved on [0-9a-f]{7} by bob; Passed: build$/,
      ),
      expect.stringMatching(
        /^commit status {2}change-control: SUCCESS — All controls passed: Standard change dependency-updates: CHG-1000 is Approved; No approval required \(approval\.count: 0\); Passed: build$/,
      ),
    ]);
    // The standard change's report says which class matched and why.
    expect(stdout).toContain(
      '- ✅ `dependency-updates` matches: all 1 changed file match package.json, package-lock.json, **/go.sum; 3 changed lines (at most 400); author dependabot[bot]',
    );
    expect(stdout).toMatch(/^Jira calls for this evaluation: 2 \(the standing ticket and its changelog\)$/m);
    expect(stdout).toMatch(
      /^GitHub calls the app made for these 3 evaluations: \{"tokenRequests":1,"appRequests":0,"graphqlQueries":3,"restReads":0,"restWrites":\d+\}$/m,
    );
  }, 300_000);
});
