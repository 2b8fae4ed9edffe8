import type { TicketLookup } from '../policy/facts.js';

/** Reads one change ticket from a provider (Jira, ServiceNow, …). */
export interface TicketReader {
  /**
   * Resolves to what the provider said about `key`: found (with its status) or not found.
   * Rejects with {@link TicketProviderError} when the provider could not give an answer.
   */
  lookup(key: string): Promise<TicketLookup>;
}

/**
 * The provider could not say whether the ticket exists or what state it is in (refused credentials,
 * outage, timeout, unexpected answer). The evaluation cannot be made: the caller reports `error`,
 * never success and never failure of the ticket control. Messages never carry credentials.
 */
export class TicketProviderError extends Error {
  override readonly name = 'TicketProviderError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
