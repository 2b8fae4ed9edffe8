import type { Probot } from 'probot';
import { z } from 'zod';
import { openAuditStore, readAuditEnv } from '../store/open-audit-store.js';
import { parseSigningKey } from '../audit/signing.js';
import { timeOpaDecisions } from '../observability/time-opa-decisions.js';
import { timeTicketLookups } from '../observability/time-ticket-lookups.js';
import { readQueueEnv } from '../queue/queue-settings.js';
import { createResilientReader, DEFAULT_CACHE_SECONDS } from '../tickets/create-resilient-reader.js';
import { createJiraTicketReader } from '../tickets/jira/create-jira-ticket-reader.js';
import { readJiraEnv } from '../tickets/jira/jira-env.js';
import { createServiceNowTicketReader } from '../tickets/servicenow/create-servicenow-ticket-reader.js';
import { readServiceNowEnv } from '../tickets/servicenow/servicenow-env.js';
import type { AppDeps } from '../evaluation/app-deps.js';
import { createOpaClient } from '../opa/create-opa-client.js';
import { readOpaEnv } from '../opa/opa-env.js';

const CacheSeconds = z.coerce
  .number({ error: 'TICKET_CACHE_SECONDS must be a whole number of seconds' })
  .int({ error: 'TICKET_CACHE_SECONDS must be a whole number of seconds' })
  .min(0)
  .max(600, { error: 'TICKET_CACHE_SECONDS must be at most 600' })
  .default(DEFAULT_CACHE_SECONDS);

const AppId = z.coerce.number({ error: 'APP_ID must be the numeric id of the GitHub App' }).int().positive();

/** Our bot's login, asked of GitHub once (`GET /app` with the app's own credentials) and then remembered. */
function botLoginOf(app: Probot): () => Promise<string> {
  let login: Promise<string> | null = null;
  return () => {
    login ??= app
      .auth()
      .then((octokit) => octokit.request('GET /app'))
      .then(({ data }) => `${data?.slug ?? 'change-control'}[bot]`)
      .catch((error: unknown) => {
        login = null; // ask again next time
        throw error;
      });
    return login;
  };
}

/**
 * The app's dependencies from the environment. `APP_ID` is also read by Probot; we need it to tell our
 * own check runs from others'. The audit store opens (and migrates) here, so a bad DATABASE_URL stops
 * the start. Jira and OPA settings are optional: without them, a policy that needs Jira or OPA gets `error`.
 */
export async function createDepsFromEnv(app: Probot, env: NodeJS.ProcessEnv): Promise<AppDeps> {
  const appId = AppId.safeParse(env.APP_ID);
  // Without our own id we cannot tell our check runs from others' and would react to our own output.
  if (!appId.success) throw new Error(appId.error.issues[0]?.message ?? 'APP_ID is invalid');
  const queueSettings = readQueueEnv(env);
  const jira = readJiraEnv(env);
  if (!jira.ok) app.log.warn({ reason: jira.reason }, 'Jira is not configured; PRs whose policy needs Jira will get an error status');
  const cacheSeconds = CacheSeconds.safeParse(env.TICKET_CACHE_SECONDS?.trim() || undefined);
  if (!cacheSeconds.success) throw new Error(cacheSeconds.error.issues[0]?.message ?? 'TICKET_CACHE_SECONDS is invalid');
  const serviceNow = readServiceNowEnv(env);
  const opa = readOpaEnv(env);
  // Unset is normal (no policy names an OPA decision); set but invalid is a mistake worth a warning at start.
  if (!opa.ok && env.OPA_URL?.trim())
    app.log.warn({ reason: opa.reason }, 'OPA is misconfigured; PRs whose policy names an OPA decision will get an error status');
  const auditEnv = readAuditEnv(env);
  const audit = await openAuditStore(auditEnv);
  app.log.info({ store: audit.kind }, 'audit store open');
  return {
    appId: appId.data,
    tickets: jira.ok
      ? {
          reader: createResilientReader({
            reader: timeTicketLookups(createJiraTicketReader(jira.value)),
            defaultCacheSeconds: cacheSeconds.data,
          }),
        }
      : { unavailable: jira.reason },
    serviceNow: serviceNow.ok
      ? {
          reader: createResilientReader({
            reader: timeTicketLookups(createServiceNowTicketReader(serviceNow.value)),
            defaultCacheSeconds: cacheSeconds.data,
          }),
        }
      : { unavailable: serviceNow.reason },
    opa: opa.ok ? { client: timeOpaDecisions(createOpaClient(opa.value)) } : { unavailable: opa.reason },
    audit,
    ...(auditEnv.signingKey === undefined ? {} : { auditSigner: parseSigningKey(auditEnv.signingKey) }),
    botLogin: botLoginOf(app),
    now: () => new Date(),
    queue: audit.queue,
    queueSettings,
  };
}
