import type { Probot } from 'probot';
import type { AuditStore } from '../audit/audit-entry.js';
import { cacheFor } from './cache-for.js';
import { checkGithubCredentials } from './check-github-credentials.js';
import type { ReadinessChecks } from './readyz.js';

/** GitHub is asked at most once per this period, however often the probe runs. */
export const GITHUB_CHECK_TTL_MS = 30_000;

/** The checks behind `/readyz`: a cheap read of the store, and `GET /app` with the app's JWT (cached). */
export function readinessChecks(input: { app: Pick<Probot, 'auth'>; audit: Pick<AuditStore, 'getMeta'> }): ReadinessChecks {
  return {
    store: async () => {
      await input.audit.getMeta('readyz');
    },
    github: cacheFor(() => checkGithubCredentials(input.app), { ttlMs: GITHUB_CHECK_TTL_MS }),
  };
}
