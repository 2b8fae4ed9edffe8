// Builds lib/ from src/ with tsc when any source file is newer than the build (or there is no build).
// Used by `npm start` and `npm run demo` so a fresh clone needs no separate build step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

const marker = 'lib/index.js';
// A production image ships lib/ without src/: nothing to build from, so use lib/ as it is.
const stale = existsSync('src') && (!existsSync(marker) || newestMtime('src') > statSync(marker).mtimeMs);
if (stale) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
