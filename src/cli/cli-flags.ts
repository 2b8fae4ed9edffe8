import { z } from 'zod';
import { UsageError } from './cli-io.js';

/**
 * A `--since`/`--until` value as an ISO-8601 instant. A date alone means 00:00 UTC that day, so
 * `--until 2026-12-01` ends the period before 1 December. A time must carry its offset (`Z` or `+02:00`):
 * without it the instant would depend on the machine's time zone.
 */
export function dateFlag(flag: string) {
  return z.string({ error: `${flag} is required: a date like 2026-01-31` }).transform((value, ctx) => {
    if (z.iso.date().safeParse(value).success) return `${value}T00:00:00.000Z`;
    if (z.iso.datetime({ offset: true }).safeParse(value).success) return new Date(value).toISOString();
    ctx.addIssue({ code: 'custom', message: `${flag} must be a date like 2026-01-31, got ${JSON.stringify(value)}` });
    return z.NEVER;
  });
}

export const RepoFlag = z.string().regex(/^[^/\s#]+\/[^/\s#]+$/, {
  error: (issue) => `--repo must be OWNER/NAME like acme/payments, got ${JSON.stringify(issue.input)}`,
});

/** `OWNER/NAME#N`, the argument of `audit show`. */
export const PullRequestArg = z
  .string()
  .regex(/^[^/\s#]+\/[^/\s#]+#[1-9]\d*$/, {
    error: (issue) => `the pull request must be OWNER/NAME#N like acme/payments#42, got ${JSON.stringify(issue.input)}`,
  })
  .transform((value) => {
    const [repo = '', number = ''] = value.split('#');
    return { repo, prNumber: Number(number) };
  });

/** Parses commander's option values; every problem is reported, each on its own line. */
export function parseFlags<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('\nerror: '));
}
