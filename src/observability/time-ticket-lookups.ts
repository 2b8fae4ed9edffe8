import type { TicketReader } from '../tickets/ticket-reader.js';
import { ticketLookupDuration } from './metrics.js';

/**
 * The same reader, timing each lookup at the provider in change_control_ticket_lookup_duration_seconds{provider,outcome}:
 * `ok` when the provider answered (found or not found), `error` when it could not. Wrap the provider's own reader
 * (inside the cache), so the figure is the provider's latency; `forget` and `writeBack` pass through unchanged.
 */
export function timeTicketLookups(reader: TicketReader, now: () => number = performance.now.bind(performance)): TicketReader {
  const provider = reader.provider;
  const timed: TicketReader = {
    provider,
    async lookup(key, query) {
      const started = now();
      const observe = (outcome: 'ok' | 'error') => ticketLookupDuration.observe({ provider, outcome }, (now() - started) / 1000);
      try {
        const answer = await reader.lookup(key, query);
        observe('ok');
        return answer;
      } catch (error) {
        observe('error');
        throw error;
      }
    },
  };
  if (reader.forget) timed.forget = reader.forget.bind(reader);
  if (reader.writeBack) timed.writeBack = reader.writeBack.bind(reader);
  if (reader.create) timed.create = reader.create.bind(reader);
  if (reader.findByMarker) timed.findByMarker = reader.findByMarker.bind(reader);
  if (reader.close) timed.close = reader.close.bind(reader);
  return timed;
}
