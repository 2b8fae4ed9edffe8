import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { describeBody } from './create-logger.js';
import { isSignedBy } from './is-signed-by.js';
import { readBounded } from './read-bounded.js';

/** GitHub caps webhook payloads at 25 MB (https://docs.github.com/en/webhooks/webhook-events-and-payloads#payload-cap). */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;
/** Every other route takes small bodies (Jira issue events, dashboard forms) or none. */
export const OTHER_BODY_LIMIT = 1024 * 1024;

export type RequestGuard = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** How long a refused body is still read (and dropped) so that the sender gets our answer rather than a reset. */
const LINGER_MS = 5000;

/** Answers and closes the connection. */
function refuse(res: ServerResponse, status: number, error: string): true {
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ error }));
  return true;
}

/**
 * 413 for a body we will not hold: the answer goes out at once, the rest of the body is read and dropped (never
 * kept) for at most LINGER_MS so the sender sees the answer instead of a reset, then the connection closes.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, error: string): true {
  res.shouldKeepAlive = false;
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  res.write(JSON.stringify({ error }));
  const finish = (): void => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(finish, LINGER_MS);
  timer.unref();
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
  return true;
}

/**
 * Runs before every route, Probot's webhook middleware included. Refuses a body larger than its route's limit
 * with 413 before buffering it (the declared Content-Length, else while reading). On the webhook route it reads
 * the body itself (bounded), checks the signature, and logs a refused delivery by event, delivery id, size and
 * sha256 — never its body; a delivery that passes is handed to Probot as `req.body` (which @octokit/webhooks
 * reads instead of the stream, and verifies again).
 */
export function createRequestGuard(input: { webhookPath: string; secret: string; log: Logger }): RequestGuard {
  const log = input.log.child({ name: 'request-guard' });
  return async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const webhook = req.method === 'POST' && path === input.webhookPath;
    const limit = webhook ? WEBHOOK_BODY_LIMIT : OTHER_BODY_LIMIT;
    const declared = Number(header(req, 'content-length') ?? 0);
    const event = header(req, 'x-github-event');
    const deliveryId = header(req, 'x-github-delivery');
    if (declared > limit) {
      log.warn({ path, event, deliveryId, size: declared, limit }, 'request refused: body too large');
      return refuseBody(req, res, `request body too large: ${declared} bytes, this route takes at most ${limit}`);
    }
    // Other routes read their own (bounded) bodies; without the webhook headers Probot answers 400 unread.
    const signature = header(req, 'x-hub-signature-256');
    if (!webhook || signature === undefined || event === undefined || deliveryId === undefined) return false;
    const body = await readBounded(req, limit);
    if (body === null) {
      log.warn({ path, event, deliveryId, limit }, 'request refused: body too large');
      return refuseBody(req, res, `request body too large: this route takes at most ${limit} bytes`);
    }
    if (!isSignedBy({ body, header: signature, secret: input.secret })) {
      log.warn({ event, deliveryId, ...describeBody(body) }, 'webhook delivery refused: signature does not match');
      return refuse(res, 400, 'signature does not match event payload and secret');
    }
    Object.assign(req, { body: body.toString('utf8') });
    return false;
  };
}
