import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from './harness/build-app.js';

const run = promisify(execFile);

/** `npm run demo` (without --serve) from the checkout: one PR played through its three evaluations, printed as text. */
describe('npm run demo', () => {
  it('prints the three verdicts of the pull request and the calls the app made, and exits 0', async () => {
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
    ]);
    expect(stdout).toMatch(
      /^GitHub calls the app made for these 3 evaluations: \{"tokenRequests":1,"appRequests":0,"graphqlQueries":3,"restReads":0,"restWrites":\d+\}$/m,
    );
  }, 300_000);
});
