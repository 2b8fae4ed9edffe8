import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Probot } from 'probot';
import { z } from 'zod';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { checkServiceNowSignature } from '../../server/check-servicenow-signature.js';
import { readBounded } from '../../server/read-bounded.js';
import type { ShutdownGate } from '../shutdown-gate.js';
import { queueTicketChange } from './queue-ticket-change.js';

export const SERVICENOW_WEBHOOK_PATH = '/api/servicenow/webhooks';
/** The business rule sends a few hundred bytes; anything this large is not one of its calls. */
export const SERVICENOW_MAX_BODY_BYTES = 64 * 1024;

/**
 * What the business rule (or Flow Designer step) sends (docs/tickets.md, "ServiceNow: re-evaluation"). Only the
 * change's number is used, to find the PRs: its state and approval are read back from ServiceNow by the evaluation,
 * never taken from here, so any other field (`state`, `approval`) is ignored.
 */
export const ServiceNowChangeEvent = z.object({
  number: z.string().regex(/^[A-Za-z]{2,10}\d{4,}$/, { error: 'number must be a change number such as CHG0030001' }),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/, { error: 'sys_id must be 32 lower-case hex characters' }),
});

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
  return true;
}

/**
 * `POST /api/servicenow/webhooks`: ServiceNow says a change request's state or approval moved; every open PR whose
 * last evaluation named that change is evaluated again (the evaluation reads the change back from ServiceNow).
 * The call must be signed with SERVICENOW_WEBHOOK_SECRET (`X-ServiceNow-Signature` over `X-ServiceNow-Timestamp`
 * and the body): anything unsigned, wrongly signed or stale is refused with 401 and changes nothing. Answers 202
 * once the PRs are queued, before any GitHub or ServiceNow call.
 */
export function serviceNowWebhookHandler(input: { app: Probot; deps: AppDeps; secret: string | undefined; gate?: ShutdownGate }) {
  const { app, deps, gate } = input;
  const secret = input.secret?.trim() || undefined;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if ((req.url ?? '').split('?')[0] !== SERVICENOW_WEBHOOK_PATH) return false;
    if (req.method !== 'POST') return reply(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
    if (secret === undefined)
      return reply(res, 503, { error: 'ServiceNow webhooks are off: SERVICENOW_WEBHOOK_SECRET is not set on the app' });
    if (gate && !gate.open) return reply(res, 503, { error: 'shutting down: send the call again' });
    void handle({ req, res, app, deps, secret });
    return true;
  };
}

async function handle(input: { req: IncomingMessage; res: ServerResponse; app: Probot; deps: AppDeps; secret: string }): Promise<void> {
  const { req, res, app, deps, secret } = input;
  const body = await readBounded(req, SERVICENOW_MAX_BODY_BYTES).catch(() => null);
  if (body === null) {
    reply(res, 413, { error: `body too large or unreadable: at most ${SERVICENOW_MAX_BODY_BYTES} bytes` });
    return;
  }
  const timestamp = req.headers['x-servicenow-timestamp'];
  const check = checkServiceNowSignature({
    body,
    signature: req.headers['x-servicenow-signature'],
    timestamp,
    secret,
    nowMs: deps.now().getTime(),
  });
  if (!check.ok) {
    // Never the body: only why it was refused and its size.
    app.log.warn({ path: SERVICENOW_WEBHOOK_PATH, reason: check.reason, size: body.length }, 'ServiceNow webhook refused');
    reply(res, 401, { error: check.reason });
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    reply(res, 400, { error: 'body is not JSON' });
    return;
  }
  const event = ServiceNowChangeEvent.safeParse(json);
  if (!event.success) {
    reply(res, 400, { error: event.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    return;
  }
  const key = event.data.number.toUpperCase();
  // The same signed call sent again (a replay within the timestamp's tolerance, or ServiceNow retrying) has the same
  // id: the queue's door drops it as a duplicate delivery.
  const signed = Array.isArray(timestamp) ? timestamp[0] : timestamp;
  const digest = createHash('sha256')
    .update(`${signed ?? ''}.`)
    .update(body)
    .digest('hex');
  const deliveryId = `servicenow-${digest.slice(0, 32)}`;
  const log: Logger = app.log.child({ serviceNowDelivery: deliveryId, ticket: key, sysId: event.data.sys_id });
  try {
    const queued = await queueTicketChange({ deps, log, key, deliveryId, event: 'servicenow:change_request' });
    reply(res, 202, { accepted: key, deliveryId, queued });
  } catch (error) {
    log.error({ err: error }, 'ServiceNow webhook: the re-evaluation could not be queued');
    reply(res, 500, { error: 'the re-evaluation could not be queued; send the call again' });
  }
}
