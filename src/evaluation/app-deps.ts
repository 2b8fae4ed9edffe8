import type { AuditStore } from '../audit/audit-entry.js';
import type { AuditSigner } from '../audit/signing.js';
import type { OpaClient } from '../opa/create-opa-client.js';
import type { QueueSettings } from '../queue/queue-settings.js';
import type { CreatedTicketStore } from '../store/created-ticket-store.js';
import type { QueueStore } from '../store/queue-store.js';
import type { TicketReader } from '../tickets/ticket-reader.js';

/** A provider's reader, or why there is none. */
export type TicketSource = { reader: TicketReader } | { unavailable: string };

/** What the app needs besides GitHub: injected, so tests and the demo choose their own. */
export interface AppDeps {
  appId: number;
  /** The Jira reader, or why there is none (e.g. JIRA_BASE_URL not set): a policy that needs Jira then gets `error`. */
  tickets: TicketSource;
  /** The ServiceNow reader (`ticket.provider: servicenow`), or why there is none; absent: not configured. */
  serviceNow?: TicketSource;
  /** The organisation's OPA (OPA_URL), or why there is none: a policy with `opa.decision` then gets `error`. Absent: not configured. */
  opa?: { client: OpaClient } | { unavailable: string };
  /** The system of record for every decision. */
  audit: AuditStore;
  /** The key the store signs with (AUDIT_SIGNING_KEY): stored evidence is checked with it before it is acted on. */
  auditSigner?: AuditSigner;
  /** Our bot's login (`slug[bot]`), to tell our own status from one written by someone else. */
  botLogin: () => Promise<string>;
  now: () => Date;
  /** The durable work queue (in the audit database): webhooks queue evaluations, the worker runs them. */
  queue: QueueStore;
  /** The tickets the app created (`ticket.create`), in the audit database; absent: a policy that sets it gets `error`. */
  createdTickets?: CreatedTicketStore;
  /** The worker's settings (CHANGE_CONTROL_* variables); defaults when unset. */
  queueSettings?: QueueSettings;
}
