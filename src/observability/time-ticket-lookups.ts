import type { TicketReader } from '../tickets/ticket-reader.js';
import { ticketLookupDuration } from './metrics.js';

/**
 * The same reader, timing each lookup in change_control_ticket_lookup_duration_seconds{provider,outcome}:
 * `ok` when the provider answered (found or not found), `error` when it could not.
 */
export function timeTicketLookups(reader: TicketReader, provider: string, now: () => number = performance.now.bind(performance)): TicketReader {
  return {
    async lookup(key) {
      const started = now();
      const observe = (outcome: 'ok' | 'error') => ticketLookupDuration.observe({ provider, outcome }, (now() - started) / 1000);
      try {
        const answer = await reader.lookup(key);
        observe('ok');
        return answer;
      } catch (error) {
        observe('error');
        throw error;
      }
    },
  };
}
