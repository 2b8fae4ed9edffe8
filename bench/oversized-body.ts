import { request } from 'node:http';
import { startWorld } from './bench-world.js';

/**
 * Memory under an oversized webhook (issue 16, part 5): the real process, a 96 MB body with a wrong signature
 * posted to the webhook route, once with its Content-Length declared and once chunked (no length). Prints the
 * process's peak resident memory (VmHWM, from /metrics) before and after, and the answers. Before the request
 * guard the same post took the process from 114 MB to 1.46 GB.
 */
const SIZE = 96 * 1024 * 1024;
const MB = 1024 * 1024;

function post(url: string, declareLength: boolean): Promise<number | null> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': `oversized-${declareLength ? 'declared' : 'chunked'}`,
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
    };
    if (declareLength) headers['content-length'] = String(SIZE);
    const req = request(`${url}/api/github/webhooks`, { method: 'POST', headers });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
    });
    req.on('error', () => resolve(null));
    const chunk = Buffer.alloc(MB, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < SIZE) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const world = await startWorld('ours');
try {
  const before = await world.peakRssBytes();
  const declared = await post(world.url, true);
  const afterDeclared = await world.peakRssBytes();
  const chunked = await post(world.url, false);
  const afterChunked = await world.peakRssBytes();
  const alive = (await fetch(`${world.url}/healthz`)).status;
  console.log('oversized webhook body (96 MB, wrong signature)');
  console.log(`  peak RSS before:                 ${(before / MB).toFixed(1)} MB`);
  console.log(`  declared Content-Length: answer ${declared}, peak RSS ${(afterDeclared / MB).toFixed(1)} MB`);
  console.log(`  chunked (no length):     answer ${chunked}, peak RSS ${(afterChunked / MB).toFixed(1)} MB`);
  console.log(`  /healthz afterwards:     ${alive}`);
  if (declared !== 413 || chunked !== 413 || alive !== 200) process.exitCode = 1;
} finally {
  await world.stop();
}
