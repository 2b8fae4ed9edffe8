import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo, januaryEntries, seedStore, tempDir } from './seed.js';

const ROOT = join(import.meta.dirname, '..', '..');
const temp = tempDir();
const database = `sqlite:${join(temp.dir, 'audit.db')}`;

beforeAll(async () => {
  await seedStore(join(temp.dir, 'audit.db'), januaryEntries());
});
afterAll(() => temp.remove());

describe('runCli', () => {
  it.each([
    ['--help: exit 0, help on stdout', ['--help'], 0, 'Usage: change-control'],
    ['audit export --help: exit 0', ['audit', 'export', '--help'], 0, 'Usage: change-control audit export'],
    ['no command: exit 2, help on stderr', [], 2, 'Usage: change-control'],
    ['audit without a subcommand: exit 2', ['audit'], 2, 'Usage: change-control audit'],
    ['an unknown command: exit 2', ['audit', 'prune'], 2, "error: unknown command 'prune'"],
  ])('%s', async (_case, argv, expected, message) => {
    const captured = captureIo();

    const code = await runCli(argv, captured.io);

    expect(code).toBe(expected);
    expect(expected === 0 ? captured.stdout() : captured.stderr()).toContain(message);
  });

  it('documents the period semantics in the export help', async () => {
    const captured = captureIo();

    await runCli(['audit', 'export', '--help'], captured.io);

    expect(captured.stdout()).toContain('--since is inclusive and --until exclusive');
  });
});

describe('the change-control binary', () => {
  beforeAll(() => {
    // Builds lib/ from src/ when src/ is newer, as `npm start` does.
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: ROOT, stdio: 'pipe' });
  }, 120_000);

  const run = (args: string[]) =>
    spawnSync(process.execPath, ['lib/cli/main.js', ...args], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });

  it('verifies a store: OK on stdout, exit 0', () => {
    const result = run(['audit', 'verify', '--database', database]);

    expect(result.stderr).toContain('checked: hashes only');
    expect(result.stdout).toMatch(/^OK: 14 entries, head [0-9a-f]{64}\n$/);
    expect(result.status).toBe(0);
  });

  it('exits 2 with the message for a bad date', () => {
    const result = run(['audit', 'export', '--since', 'yesterday', '--until', '2026-02-01', '--database', database]);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: --since must be a date like 2026-01-31, got "yesterday"\n');
  });
});
