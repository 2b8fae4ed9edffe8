import { TicketProviderError } from './ticket-reader.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubled for each further one, unless the provider sent Retry-After. */
  baseDelayMs: number;
  /** Longest wait we accept: a longer Retry-After fails at once (the evaluation is `error`, re-run later). */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRIES: RetryOptions = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `attempt` again on a retryable {@link TicketProviderError} (HTTP 429 and 5xx, timeouts, connection failures),
 * waiting Retry-After when the provider sent it, else exponential backoff. The last failure is thrown with the number
 * of attempts in its message; anything else is thrown at once.
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions = DEFAULT_RETRIES): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TicketProviderError) || !error.retryable) throw error;
      const delay = error.retryAfterMs ?? options.baseDelayMs * 2 ** (n - 1);
      if (n >= options.attempts || delay > options.maxDelayMs) {
        const why = delay > options.maxDelayMs && n < options.attempts ? `; asked to wait ${Math.ceil(delay / 1000)} s` : '';
        throw new TicketProviderError(`${error.message} (${n} attempt${n === 1 ? '' : 's'}${why})`, {
          cause: error.cause,
          retryable: true,
          retryAfterMs: error.retryAfterMs,
        });
      }
      await options.sleep(delay);
    }
  }
}
