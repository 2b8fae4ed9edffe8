/** A change ticket the app created for a pull request (`ticket.create`): the one ticket of that PR. */
export interface CreatedTicket {
  /** `owner/name`. */
  repo: string;
  prNumber: number;
  provider: 'jira' | 'servicenow';
  /** The provider's key (Jira `CHG-123`, ServiceNow `CHG0030001`); null while it is being created. */
  key: string | null;
  /** How many times creation was started (a retry after a failure or a crash is more than 1). */
  attempts: number;
  /** The marked line with the key is in the PR description (written once). */
  bodyWritten: boolean;
  /** When `ticket.close_on` closed it; null: open. */
  closedAt: string | null;
}

/**
 * Who may call the provider's create now. `claimed`: this caller holds the row's claim; `reconcile` says an
 * earlier attempt may have reached the provider, so search it for the PR's marker before creating. `created`: the
 * key is known. `busy`: another worker's claim is fresh (it may be calling the provider right now).
 */
export type CreationClaim =
  | { kind: 'claimed'; token: string; reconcile: boolean }
  | { kind: 'created'; ticket: CreatedTicket & { key: string } }
  | { kind: 'busy'; sinceMs: number };

export interface ClaimInput {
  repo: string;
  prNumber: number;
  provider: 'jira' | 'servicenow';
  /** Unique to this attempt. */
  token: string;
  nowMs: number;
  /** A claim older than this is taken over (its holder crashed or timed out). */
  staleMs: number;
}

/**
 * The key → PR index of created tickets (table `created_tickets`, not evidence). The row is written, in one
 * transaction, before the provider is called, so a redelivery, a retry or a second replica never creates twice.
 */
export interface CreatedTicketStore {
  get(repo: string, prNumber: number): Promise<CreatedTicket | null>;
  /** The PR a created ticket belongs to (key compared ignoring case). */
  byKey(key: string): Promise<CreatedTicket | null>;
  claim(input: ClaimInput): Promise<CreationClaim>;
  /** Stores the key under the caller's claim; false when the claim was lost (another worker took it over). */
  recordKey(input: { repo: string; prNumber: number; token: string; key: string }): Promise<boolean>;
  /** Gives the claim up after a failed attempt, so the next attempt reconciles at once. */
  release(input: { repo: string; prNumber: number; token: string }): Promise<void>;
  markBodyWritten(repo: string, prNumber: number): Promise<void>;
  markClosed(repo: string, prNumber: number, at: string): Promise<void>;
}

export interface CreatedTicketRow {
  repo: string;
  pr_number: number;
  provider: string;
  ticket_key: string | null;
  claim: string | null;
  claimed_ms: number | string;
  attempts: number;
  body_written: number | boolean;
  closed_at: string | null;
}

export function toCreatedTicket(row: CreatedTicketRow): CreatedTicket {
  return {
    repo: row.repo,
    prNumber: Number(row.pr_number),
    provider: row.provider === 'servicenow' ? 'servicenow' : 'jira',
    key: row.ticket_key,
    attempts: Number(row.attempts),
    bodyWritten: row.body_written === true || row.body_written === 1,
    closedAt: row.closed_at,
  };
}

/** What a claim on an existing row gives, decided the same way by both stores. */
export function claimOnRow(row: CreatedTicketRow, input: ClaimInput): CreationClaim | 'take-over' {
  const ticket = toCreatedTicket(row);
  if (ticket.key !== null) return { kind: 'created', ticket: { ...ticket, key: ticket.key } };
  const since = Number(row.claimed_ms);
  if (row.claim !== null && since > input.nowMs - input.staleMs) return { kind: 'busy', sinceMs: since };
  return 'take-over';
}
