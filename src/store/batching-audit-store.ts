import type { CreatedTicketStore } from './created-ticket-store.js';
import type { QueueStore } from './queue-store.js';
import type { AuditEntry, AuditStore, NewAuditEntry } from '../audit/audit-entry.js';

/**
 * What both stores offer beyond `AuditStore`. Kept out of `AuditStore` itself so that fakes of the store
 * elsewhere need not implement it.
 */
export interface BatchingAuditStore extends AuditStore {
  /**
   * Appends the entries in order in one transaction, each chained to the one before exactly as `append`
   * would (same lock, same dedupe); the result has null where an entry was a redelivery. For imports and
   * the benchmark: a webhook handler appends one entry at a time.
   */
  appendMany(entries: readonly NewAuditEntry[]): Promise<Array<AuditEntry | null>>;
  /** The work queue and delivery record in the same database (its own tables; not evidence). */
  readonly queue: QueueStore;
  /** The tickets the app created, one per PR (`ticket.create`; its own table, not evidence). */
  readonly createdTickets: CreatedTicketStore;
}
