import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, createProbot, type ApplicationFunction, type ProbotOctokit } from 'probot';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createRequestGuard } from './guard-request.js';

/** Probot's default webhook route (WEBHOOK_PATH overrides it). */
const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';

const ms = (name: string, fallback: number) =>
  z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce
      .number({ error: `${name} must be a whole number of milliseconds ≥ 1000` })
      .int()
      .min(1000, { error: `${name} must be at least 1000` })
      .default(fallback),
  );

/**
 * Deadlines against slow senders (slowloris): the headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the
 * whole request within HTTP_REQUEST_TIMEOUT_MS, else Node answers 408 and closes the connection.
 */
const ServerEnv = z.object({
  HTTP_HEADERS_TIMEOUT_MS: ms('HTTP_HEADERS_TIMEOUT_MS', 20_000),
  HTTP_REQUEST_TIMEOUT_MS: ms('HTTP_REQUEST_TIMEOUT_MS', 60_000),
});

export interface StartedServer {
  port: number;
  stop(): Promise<void>;
}

function logRequests(log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      // The path only: a query string can carry an OAuth code or state.
      const path = (req.url ?? '').split('?')[0];
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      log.info({ method: req.method, path, status: res.statusCode, ms, deliveryId: req.headers['x-github-delivery'] }, 'request');
    });
  };
}

/**
 * Our HTTP server in place of Probot's `run()` server, so that the request guard (body limits, the webhook
 * signature checked on a bounded body) runs before Probot's webhook middleware, which reads a whole body
 * before it checks anything. The routes are Probot's: the webhook route, `/ping`, then the app's handlers.
 */
export async function startServer(input: {
  app: ApplicationFunction;
  log: Logger;
  Octokit: typeof ProbotOctokit;
  env: NodeJS.ProcessEnv;
}): Promise<StartedServer> {
  const { env, log } = input;
  const parsed = ServerEnv.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const { HTTP_HEADERS_TIMEOUT_MS: headersTimeout, HTTP_REQUEST_TIMEOUT_MS: requestTimeout } = parsed.data;
  const webhookPath = env.WEBHOOK_PATH || DEFAULT_WEBHOOK_PATH;
  const probot = createProbot({ env, overrides: { log, Octokit: input.Octokit } });
  const routes = await createNodeMiddleware(input.app, { probot, webhooksPath: webhookPath });
  // Outside production Probot verifies with its default secret; in production main.ts refuses to start without one.
  const guard = createRequestGuard({ webhookPath, secret: env.WEBHOOK_SECRET || 'development', log });
  const logRequest = logRequests(log.child({ name: 'http' }));

  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(requestTimeout, headersTimeout),
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
    (req, res) => {
      logRequest(req, res);
      void (async () => {
        try {
          if (await guard(req, res)) return;
          if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/ping') {
            res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
            return;
          }
          await routes(req, res, () => {
            if (!res.headersSent) res.writeHead(404).end();
          });
        } catch (error) {
          log.error({ err: error }, 'request failed');
          if (!res.headersSent) res.writeHead(500).end();
        }
      })();
    },
  );
  const host = env.HOST || 'localhost';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: Number(env.PORT) || 3000, host }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.info({ url: `http://${host}:${port}`, webhookPath }, 'listening');
  return {
    port,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
