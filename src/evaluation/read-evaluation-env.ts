import { z } from 'zod';
import { parseSigningKey } from '../audit/signing.js';
import { timeOpaDecisions } from '../observability/time-opa-decisions.js';
import { timeTicketLookups } from '../observability/time-ticket-lookups.js';
import { createOpaClient } from '../opa/create-opa-client.js';
import { readOpaEnv } from '../opa/opa-env.js';
import { readAuditEnv } from '../store/open-audit-store.js';
import { createResilientReader, DEFAULT_CACHE_SECONDS } from '../tickets/create-resilient-reader.js';
import { createJiraTicketReader } from '../tickets/jira/create-jira-ticket-reader.js';
import { readJiraEnv } from '../tickets/jira/jira-env.js';
import { createServiceNowTicketReader } from '../tickets/servicenow/create-servicenow-ticket-reader.js';
import { readServiceNowEnv } from '../tickets/servicenow/servicenow-env.js';
import type { AppDeps } from './app-deps.js';

const CacheSeconds = z.coerce
  .number({ error: 'TICKET_CACHE_SECONDS must be a whole number of seconds' })
  .int({ error: 'TICKET_CACHE_SECONDS must be a whole number of seconds' })
  .min(0)
  .max(600, { error: 'TICKET_CACHE_SECONDS must be at most 600' })
  .default(DEFAULT_CACHE_SECONDS);

const AppId = z.coerce.number({ error: 'APP_ID must be the numeric id of the GitHub App' }).int().positive();

/** What an evaluation reads from the environment, besides GitHub's client and the stores. */
export type EvaluationEnv = Pick<AppDeps, 'appId' | 'tickets' | 'serviceNow' | 'opa' | 'auditSigner'>;

/**
 * The evaluation's settings from the environment, read the same way by the app (read-app-env.ts) and the dry
 * run of `change-control evaluate`: APP_ID (to tell our own check runs from others'), the Jira and ServiceNow
 * readers and the OPA client (each optional: without one, a policy that needs it gets `error`), TICKET_CACHE_SECONDS, and the key
 * stored evidence is checked with (AUDIT_SIGNING_KEY). Throws one message for a bad value.
 */
export function readEvaluationEnv(env: NodeJS.ProcessEnv, log: { warn(meta: object, message: string): void }): EvaluationEnv {
  const appId = AppId.safeParse(env.APP_ID);
  // Without our own id we cannot tell our check runs from others' and would react to our own output.
  if (!appId.success) throw new Error(appId.error.issues[0]?.message ?? 'APP_ID is invalid');
  const jira = readJiraEnv(env);
  if (!jira.ok) log.warn({ reason: jira.reason }, 'Jira is not configured; PRs whose policy needs Jira will get an error status');
  const cacheSeconds = CacheSeconds.safeParse(env.TICKET_CACHE_SECONDS?.trim() || undefined);
  if (!cacheSeconds.success) throw new Error(cacheSeconds.error.issues[0]?.message ?? 'TICKET_CACHE_SECONDS is invalid');
  const serviceNow = readServiceNowEnv(env);
  const opa = readOpaEnv(env);
  // Unset is normal (no policy names an OPA decision); set but invalid is a mistake worth a warning at start.
  if (!opa.ok && env.OPA_URL?.trim())
    log.warn({ reason: opa.reason }, 'OPA is misconfigured; PRs whose policy names an OPA decision will get an error status');
  const { signingKey } = readAuditEnv(env);
  const resilient = (reader: Parameters<typeof timeTicketLookups>[0]) => ({
    reader: createResilientReader({ reader: timeTicketLookups(reader), defaultCacheSeconds: cacheSeconds.data }),
  });
  return {
    appId: appId.data,
    tickets: jira.ok ? resilient(createJiraTicketReader(jira.value)) : { unavailable: jira.reason },
    serviceNow: serviceNow.ok ? resilient(createServiceNowTicketReader(serviceNow.value)) : { unavailable: serviceNow.reason },
    opa: opa.ok ? { client: timeOpaDecisions(createOpaClient(opa.value)) } : { unavailable: opa.reason },
    ...(signingKey === undefined ? {} : { auditSigner: parseSigningKey(signingKey) }),
  };
}
