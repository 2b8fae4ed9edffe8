// `npm run dev`: the app with automatic rebuild and restart on change, from the platform's own tools and no new
// dependency — `tsc --watch` rebuilds lib/ from src/, and `node --watch lib/main.js` restarts the app whenever a
// module it loaded changes. The app starts after tsc's first build. `--noEmitOnError`: a build with type errors
// writes nothing, so the last good build keeps running until the errors are fixed.
// Ctrl-C stops both. The app reads `.env` in this directory, as `npm start` does (WEBHOOK_PROXY_URL included).
import { spawn } from 'node:child_process';

const tsc = spawn(
  process.execPath,
  ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput', '--noEmitOnError'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let app = null;

tsc.stdout.setEncoding('utf8');
tsc.stdout.on('data', (text) => {
  process.stdout.write(text);
  // tsc prints "Found N errors. Watching for file changes." after each build.
  if (app === null && /Found \d+ errors?\. Watching for file changes\./.test(text)) {
    app = spawn(process.execPath, ['--watch', 'lib/main.js'], { stdio: 'inherit' });
    app.once('exit', (code) => stop(code ?? 0));
  }
});
tsc.once('exit', (code) => stop(code ?? 0));

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of [app, tsc]) if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
