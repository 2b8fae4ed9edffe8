import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { z } from 'zod';

/** METRICS_TOKEN: when set (non-empty), `/metrics` asks for it as a bearer token. */
const MetricsToken = z
  .string()
  .trim()
  .optional()
  .transform((token) => (token ? token : undefined));

export function readMetricsToken(env: NodeJS.ProcessEnv): string | undefined {
  return MetricsToken.parse(env.METRICS_TOKEN);
}

/**
 * `GET /metrics` in Prometheus text format. With a token (METRICS_TOKEN), only a request bearing
 * `Authorization: Bearer <token>` is served; others get 401.
 */
export function createMetricsHandler(options: {
  registry: Registry;
  token?: string;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return true;
    }
    if (options.token && !bearerMatches(req.headers.authorization, options.token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' }).end('unauthorized\n');
      return true;
    }
    void options.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
      },
    );
    return true;
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
