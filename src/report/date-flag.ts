import { z } from 'zod';

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
