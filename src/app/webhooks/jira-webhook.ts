import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Probot } from 'probot';
import { z } from 'zod';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { isSignedBy } from '../../server/is-signed-by.js';
import { queueTicketChange } from './queue-ticket-change.js';

export const JIRA_WEBHOOK_PATH = '/api/jira/webhooks';
/** Jira issue payloads are a few kB; anything this large is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The part of Jira's issue webhook we use (https://developer.atlassian.com/server/jira/platform/webhooks/). */
const JiraIssueEvent = z.object({
  webhookEvent: z.string(),
  timestamp: z.number().optional(),
  issue: z.object({ key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]+-\d+$/) }),
});

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
  return true;
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Jira's `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, checked as GitHub's is. */
export { isSignedBy };

/**
 * `POST /api/jira/webhooks`: Jira says an issue changed; every open PR whose last evaluation found that key is
 * evaluated again, so a PR turns green minutes after its ticket is approved. The body must carry Jira's
 * `X-Hub-Signature` made with JIRA_WEBHOOK_SECRET: anything unsigned or wrongly signed is refused with 401
 * and changes nothing. Answers 202 once the PRs are queued, before any GitHub call (Jira waits for no evaluation).
 */
export function jiraWebhookHandler(input: { app: Probot; deps: AppDeps; secret: string | undefined }) {
  const { app, deps } = input;
  const secret = input.secret?.trim() || undefined;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if ((req.url ?? '').split('?')[0] !== JIRA_WEBHOOK_PATH) return false;
    if (req.method !== 'POST') return reply(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
    if (secret === undefined) return reply(res, 503, { error: 'Jira webhooks are off: JIRA_WEBHOOK_SECRET is not set on the app' });
    void handle({ req, res, app, deps, secret });
    return true;
  };
}

async function handle(input: { req: IncomingMessage; res: ServerResponse; app: Probot; deps: AppDeps; secret: string }): Promise<void> {
  const { req, res, app, deps, secret } = input;
  const body = await readBody(req).catch(() => null);
  if (body === null) {
    reply(res, 413, { error: 'body too large or unreadable' });
    return;
  }
  if (!isSignedBy({ body, header: req.headers['x-hub-signature'], secret })) {
    app.log.warn({ path: JIRA_WEBHOOK_PATH }, 'Jira webhook refused: missing or wrong X-Hub-Signature');
    reply(res, 401, { error: 'missing or wrong X-Hub-Signature (HMAC-SHA256 of the body with JIRA_WEBHOOK_SECRET)' });
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    reply(res, 400, { error: 'body is not JSON' });
    return;
  }
  const event = JiraIssueEvent.safeParse(json);
  if (!event.success) {
    reply(res, 202, { ignored: 'not an issue event' });
    return;
  }
  const key = event.data.issue.key.toUpperCase();
  const header = req.headers['x-atlassian-webhook-identifier'];
  const deliveryId = `jira-${typeof header === 'string' && header !== '' ? header : randomUUID()}`;
  const log: Logger = app.log.child({ jiraDelivery: deliveryId, ticket: key });
  try {
    // Queued durably before the answer: a store failure answers 500 and Jira retries the delivery.
    const queued = await queueTicketChange({ deps, log, key, deliveryId, event: event.data.webhookEvent });
    reply(res, 202, { accepted: key, deliveryId, queued });
  } catch (error) {
    log.error({ err: error }, 'Jira webhook: the re-evaluation could not be queued');
    reply(res, 500, { error: 'the re-evaluation could not be queued; Jira will retry' });
  }
}
