import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo, januaryEntries, seedStore, tempDir, XSS_TITLE } from './seed.js';

const temp = tempDir();
const database = `sqlite:${join(temp.dir, 'audit.db')}`;

beforeAll(async () => {
  await seedStore(join(temp.dir, 'audit.db'), januaryEntries());
});
afterAll(() => temp.remove());

async function show(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo({ DATABASE_URL: database });
  const code = await runCli(['audit', 'show', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('audit show', () => {
  it('prints every entry of the PR in sequence order, each with its key facts', async () => {
    const { code, stdout } = await show('acme/payments#42');

    expect(code).toBe(0);
    expect(stdout.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '#8 2026-01-19T08:00:00.000Z push bbbbbbb — pushed by erin (synchronize)',
      '#9 2026-01-19T08:00:05.000Z verdict bbbbbbb — pending: Waiting for 1 approval',
      '#10 2026-01-19T09:00:00.000Z status-overwritten bbbbbbb — status overwritten by mallory; ours re-posted',
      `#11 2026-01-20T15:00:00.000Z merge bbbbbbb — merged by admin-carol as fffffff: ${XSS_TITLE}`,
      '#12 2026-01-20T15:00:02.000Z exception bbbbbbb — merged without a passing verdict (gate pending)',
    ]);
    expect(stdout).toContain('    pusher: erin\n');
    expect(stdout).toContain('    description: Waiting for 1 approval\n');
    expect(stdout).toContain('    by: mallory\n');
    expect(stdout).toContain(`    merge sha: ${'f'.repeat(40)}\n`);
    expect(stdout).toContain('    missing:\n      - the last verdict on the merged head was pending: Waiting for 1 approval\n');
  });

  it('prints the entries as stored with --json', async () => {
    const { code, stdout } = await show('acme/payments#41', '--json');

    const entries = JSON.parse(stdout) as AuditEntry[];
    expect(code).toBe(0);
    expect(entries.map((entry) => [entry.seq, entry.kind])).toEqual([
      [3, 'push'],
      [4, 'verdict'],
      [5, 'verdict'],
      [6, 'merge'],
    ]);
    expect(entries[3]).toMatchObject({
      repo: 'acme/payments',
      prNumber: 41,
      data: { mergedBy: 'bob' },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('exits 1 when the PR has no entries', async () => {
    const { code, stdout, stderr } = await show('acme/payments#999');

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('no audit entries for acme/payments#999\n');
  });

  it.each([
    ['no number', ['acme/payments'], 'error: the pull request must be OWNER/NAME#N like acme/payments#42, got "acme/payments"'],
    ['number zero', ['acme/payments#0'], 'got "acme/payments#0"'],
    ['no argument', [], "error: missing required argument 'pr'"],
    ['an unknown option', ['acme/payments#42', '--raw'], "error: unknown option '--raw'"],
  ])('exits 2 for %s', async (_case, args, message) => {
    const { code, stderr } = await show(...args);

    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
