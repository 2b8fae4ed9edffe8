import { z } from 'zod';

/** The part of Octokit's RequestError we read (the class is not a dependency of ours). */
const HttpError = z.object({
  status: z.number(),
  response: z
    .object({ data: z.object({ message: z.string() }).partial().nullish() })
    .partial()
    .nullish(),
});

/** GitHub's status and message of a failed request; null when it is not an HTTP answer (a network failure). */
export function httpFailure(error: unknown): { status: number; message: string } | null {
  const parsed = HttpError.safeParse(error);
  if (!parsed.success) return null;
  return { status: parsed.data.status, message: parsed.data.response?.data?.message ?? '' };
}

/**
 * A security source cannot be read because a GitHub feature is off or the app lacks a permission: a configuration
 * problem, so the verdict is `error` with what to enable, and the queue does not retry it.
 */
export class SecurityUnavailableError extends Error {
  constructor(
    message: string,
    /** What to enable or grant. */
    readonly nextStep: string,
  ) {
    super(message);
    this.name = 'SecurityUnavailableError';
  }
}

/**
 * GitHub's 403 or 404 answer that a security feature is off or the app may not use it: a configuration problem.
 * Null for anything else, a rate limit included (GitHub answers those with 403 or 429 too): such a failure is thrown
 * as it is, and the evaluation is an `error` the queue retries.
 */
export function refusalOf(error: unknown): { status: number; message: string } | null {
  const failure = httpFailure(error);
  if (failure === null || (failure.status !== 403 && failure.status !== 404)) return null;
  if (/rate limit/i.test(failure.message)) return null;
  return failure;
}

/** GitHub answers 403 "Resource not accessible by integration" when the installation lacks the permission. */
export function isMissingPermission(failure: { status: number; message: string }): boolean {
  return failure.status === 403 && /not accessible by integration/i.test(failure.message);
}
