import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GithubCredentialsCheck } from './check-github-credentials.js';

export interface ReadinessChecks {
  /** Resolves when the store answers a cheap query; rejects with why not. */
  store: () => Promise<void>;
  /** The (cached) state of the GitHub App credentials. */
  github: () => Promise<GithubCredentialsCheck>;
}

type Part = { ok: true; note?: string } | { ok: false; reason: string };

const STORE_TIMEOUT_MS = 2000;

/**
 * `GET /readyz`: 200 when the store answers and GitHub does not refuse the app's credentials, else 503
 * with a JSON body naming the failing part. GitHub being unreachable does not make the replica unready:
 * webhooks are still verified and queued durably, and GitHub would not be reachable from any replica.
 */
export function createReadyzHandler(checks: ReadinessChecks): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/readyz') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return true;
    }
    void readiness(checks).then((body) => {
      const ready = body.store.ok && body.github.ok;
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ status: ready ? 'ready' : 'not ready', ...body }));
    });
    return true;
  };
}

async function readiness(checks: ReadinessChecks): Promise<{ store: Part; github: Part }> {
  const [store, github] = await Promise.all([storePart(checks.store), githubPart(checks.github)]);
  return { store, github };
}

async function storePart(check: () => Promise<void>): Promise<Part> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `the audit store does not answer: ${error instanceof Error ? error.message : 'unknown error'}` };
  } finally {
    clearTimeout(timer);
  }
}

async function githubPart(check: () => Promise<GithubCredentialsCheck>): Promise<Part> {
  try {
    const result = await check();
    if (result.state === 'ok') return { ok: true };
    if (result.state === 'unreachable') return { ok: true, note: `credentials unverified: ${result.reason}` };
    return { ok: false, reason: result.reason };
  } catch (error) {
    return { ok: false, reason: `the GitHub credentials check failed: ${error instanceof Error ? error.message : 'unknown error'}` };
  }
}
