import { z } from 'zod';
import { dateFlag } from './date-flag.js';
import type { ChangeSummary } from './change-summary.js';

const DAY_MS = 86_400_000;
/** Without a period: the last 13 weeks up to the end of today (UTC). */
const DEFAULT_DAYS = 91;

const optional = <T extends z.ZodType>(schema: T) => schema.optional();

export const ChangeFilterFields = z
  .object({
    org: optional(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, {
        error: (issue) => `org must be an organisation login like acme, got ${JSON.stringify(issue.input)}`,
      }),
    ),
    repo: optional(
      z.string().regex(/^[^/\s#]+\/[^/\s#]+$/, {
        error: (issue) => `repo must be OWNER/NAME like acme/payments, got ${JSON.stringify(issue.input)}`,
      }),
    ),
    since: optional(dateFlag('since')),
    until: optional(dateFlag('until')),
    verdict: optional(
      z.enum(['success', 'pending', 'failure', 'error', 'none'], {
        error: (issue) => `verdict must be one of success, pending, failure, error, none, got ${JSON.stringify(issue.input)}`,
      }),
    ),
    exception: optional(
      z.enum(['any', 'none', 'bypass', 'emergency', 'emergency-overdue', 'deployment-bypass', 'direct-push'], {
        error: (issue) =>
          `exception must be one of any, none, bypass, emergency, emergency-overdue, deployment-bypass, direct-push, got ${JSON.stringify(issue.input)}`,
      }),
    ),
    ticket: optional(
      z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_]*-\d+$/, { error: (issue) => `ticket must be a key like PAY-12, got ${JSON.stringify(issue.input)}` }),
    ),
    person: optional(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/, {
        error: (issue) => `person must be a GitHub login, got ${JSON.stringify(issue.input)}`,
      }),
    ),
    page: z.coerce
      .number({ error: 'page must be a whole number ≥ 1' })
      .int('page must be a whole number ≥ 1')
      .min(1, 'page must be a whole number ≥ 1')
      .default(1),
    perPage: z.coerce
      .number({ error: 'perPage must be a whole number from 1 to 200' })
      .int('perPage must be a whole number from 1 to 200')
      .min(1, 'perPage must be a whole number from 1 to 200')
      .max(200, 'perPage must be a whole number from 1 to 200')
      .default(50),
  })
  .strict();

/** The filters of the Changes page, the exports and the JSON API; `since` inclusive, `until` exclusive, both ISO-8601. */
export type ChangeFilter = Omit<z.output<typeof ChangeFilterFields>, 'since' | 'until'> & { since: string; until: string };

export type FilterResult = { ok: true; filter: ChangeFilter } | { ok: false; errors: string[] };

/**
 * Reads the filters from a query string. An empty value counts as absent (a form's blank field); an unknown
 * or repeated parameter is an error, so a misspelt filter never silently widens the population.
 */
export function parseChangeFilter(params: URLSearchParams, now: Date): FilterResult {
  const raw: Record<string, string> = {};
  const errors: string[] = [];
  for (const [key, value] of params) {
    if (key in raw) errors.push(`${key} is given more than once`);
    // A blank unknown parameter is still kept, so that the strict schema names it.
    if (value.trim() !== '' || !(key in ChangeFilterFields.shape)) raw[key] = value.trim();
  }
  const parsed = ChangeFilterFields.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.push(
        issue.code === 'unrecognized_keys'
          ? `unknown filter ${issue.keys.join(', ')}; allowed: ${Object.keys(ChangeFilterFields.shape).join(', ')}`
          : issue.message,
      );
    }
  }
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  const endOfToday = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
  const until = parsed.data.until ?? new Date(endOfToday).toISOString();
  const since = parsed.data.since ?? new Date(Date.parse(until) - DEFAULT_DAYS * DAY_MS).toISOString();
  if (Date.parse(since) >= Date.parse(until))
    return { ok: false, errors: [`since (${since}) must be before until (${until}); until is exclusive`] };
  return { ok: true, filter: { ...parsed.data, since, until } };
}

/** Whether an exception is of the type a filter asks for: `emergency` is every emergency change, overdue or not. */
export function isOfType(type: string | undefined, wanted: string | undefined): boolean {
  return type === wanted || (wanted === 'emergency' && type === 'emergency-overdue');
}

const same = (a: string | null, b: string): boolean => a !== null && a.toLowerCase() === b.toLowerCase();

/** Whether a change is in the filter's population (the period is applied when the entries are read). */
export function matchesChange(filter: ChangeFilter, change: ChangeSummary): boolean {
  if (filter.org !== undefined && !same(change.repo.split('/')[0] ?? null, filter.org)) return false;
  if (filter.repo !== undefined && !same(change.repo, filter.repo)) return false;
  if (filter.verdict !== undefined && change.gateState !== filter.verdict) return false;
  if (filter.exception === 'any' && change.exceptions.length === 0) return false;
  if (filter.exception === 'none' && change.exceptions.length > 0) return false;
  if (
    filter.exception !== undefined &&
    filter.exception !== 'any' &&
    filter.exception !== 'none' &&
    !change.exceptions.some((type) => isOfType(type, filter.exception))
  )
    return false;
  if (filter.ticket !== undefined && !same(change.ticket, filter.ticket)) return false;
  if (filter.person !== undefined) {
    const people = [change.author, change.mergedBy, ...change.approvers];
    if (!people.some((login) => same(login, filter.person ?? ''))) return false;
  }
  return true;
}

/** The filter as a query string (without paging unless asked), for links and the export downloads. */
export function filterQuery(filter: ChangeFilter, paging: { page?: number } = {}): string {
  const params = new URLSearchParams();
  for (const key of ['org', 'repo', 'since', 'until', 'verdict', 'exception', 'ticket', 'person'] as const) {
    const value = filter[key];
    if (value !== undefined) params.set(key, value);
  }
  if (paging.page !== undefined) {
    params.set('page', String(paging.page));
    params.set('perPage', String(filter.perPage));
  }
  return params.toString();
}
