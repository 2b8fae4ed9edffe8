import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from './wait.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const run = promisify(execFile);
/** A build older than this is a crashed worker's: take it over. */
const STALE_LOCK_MS = 180_000;

/**
 * Runs `scripts/build-if-needed.mjs` (what `npm start` runs first). Jest may run several e2e files at once, and two
 * tsc runs writing the same lib/ files would race, so the build is serialised with a lock directory.
 */
export async function buildApp(): Promise<void> {
  const lock = join(tmpdir(), `change-control-build-${createHash('sha1').update(REPO_ROOT).digest('hex').slice(0, 12)}.lock`);
  await waitFor(
    'the build lock',
    async () => {
      try {
        await mkdir(lock);
        return true;
      } catch {
        const since = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (since > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
        return false;
      }
    },
    { timeoutMs: 240_000, intervalMs: 250 },
  );
  try {
    await run(process.execPath, [join(REPO_ROOT, 'scripts', 'build-if-needed.mjs')], { cwd: REPO_ROOT, timeout: 180_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`build failed:\n${stdout}${stderr}`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
