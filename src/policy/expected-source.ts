import type { RequiredCheck } from './config-schema.js';

/** Who must report a required check: a GitHub App (check runs) or a login (commit statuses); null when the policy names none. */
export type ExpectedSource = { app: string } | { creator: string } | null;

/** A `checks.required` entry as a name and the source bound to it. */
export function expectedSource(entry: RequiredCheck): { name: string; source: ExpectedSource } {
  if (typeof entry === 'string') return { name: entry, source: null };
  return { name: entry.name, source: 'app' in entry ? { app: entry.app } : { creator: entry.creator } };
}

/** The source as the report names it: `github-actions` (an app) or `@ci-bot` (a login). */
export function describeSource(source: { app: string } | { creator: string }): string {
  return 'app' in source ? source.app : `@${source.creator}`;
}
