import type { TicketLookup } from '../policy/facts.js';

/** What the policy asks of a lookup beyond the ticket itself. */
export interface TicketQuery {
  /** Statuses (ServiceNow: states) that mean approved: the approval evidence is read only for a ticket in one. */
  approvedStatuses: string[];
  /** Jira: read Jira Service Management approvals instead of the status history. */
  jsmApprovals: boolean;
  /** Jira field ids of the change window, or null when the policy has none. */
  window: { startField: string; endField: string } | null;
  /** Seconds an answer may be reused (`ticket.cache_seconds`); undefined: the reader's default. */
  cacheSeconds?: number;
}

/** Reads one change ticket from a provider (Jira, ServiceNow, …). */
export interface TicketReader {
  readonly provider: 'jira' | 'servicenow';
  /**
   * Resolves to what the provider said about `key`: found (with its status and approval evidence) or not found.
   * Rejects with {@link TicketProviderError} when the provider could not give an answer.
   */
  lookup(key: string, query: TicketQuery): Promise<TicketLookup>;
  /** Drops any cached answer for `key` (a provider webhook said it changed). */
  forget?(key: string): void;
  /** Writes the merge evidence to the ticket (`ticket.write_back`); reports each step, never throws for the provider's failures. */
  writeBack?(input: WriteBackInput): Promise<WriteBackResult>;
  /** `ticket.create`: files a change request; resolves to its key. Rejects with {@link TicketProviderError}. */
  create?(input: CreateTicketInput): Promise<{ key: string }>;
  /**
   * The key of a ticket carrying `marker` (a Jira label, a ServiceNow `correlation_id`), or null: how a retry after a
   * crash between the create call and the store's update finds the ticket already made. Rejects when it cannot tell.
   */
  findByMarker?(input: { marker: string; project: string }): Promise<string | null>;
  /** `ticket.close_on`: moves the ticket to `status` with the evidence lines; reports each step, never throws. */
  close?(input: CloseTicketInput): Promise<WriteBackResult>;
}

export interface CreateTicketInput {
  /** Jira project key (ServiceNow: unused, the table is change_request). */
  project: string;
  /** Jira issue type name; ServiceNow change type. */
  type: string;
  summary: string;
  /** The description, one line each. */
  lines: string[];
  /** The PR's unique marker (`change-control-pr:owner/repo#12`), searched by {@link TicketReader.findByMarker}. */
  marker: string;
}

export interface CloseTicketInput {
  key: string;
  /** Jira: the status the transition leads to; ServiceNow: the state (display value or number). */
  status: string;
  /** ServiceNow: the close code. */
  closeCode: string;
  /** The closing evidence (ServiceNow close notes; Jira comment). */
  lines: string[];
}

export interface WriteBackInput {
  key: string;
  /** The PR: linked from the ticket (its URL is the link's global id, so writing twice updates one link); null: no link. */
  link: { url: string; title: string } | null;
  /** The evidence summary, one line each. */
  lines: string[];
}

export interface WriteBackResult {
  steps: { step: 'remote-link' | 'comment' | 'work-note' | 'transition' | 'close'; ok: boolean; error: string | null }[];
}

/**
 * The provider could not say whether the ticket exists or what state it is in (refused credentials,
 * outage, timeout, unexpected answer). The evaluation cannot be made: the caller reports `error`,
 * never success and never failure of the ticket control. Messages never carry credentials.
 */
export class TicketProviderError extends Error {
  override readonly name = 'TicketProviderError';
  /** A later attempt may succeed (HTTP 429, 5xx, timeout, connection failure). */
  readonly retryable: boolean;
  /** The provider's `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | null;

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean; retryAfterMs?: number | null }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options?.retryable ?? false;
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
