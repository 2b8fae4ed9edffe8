import { z } from 'zod';

/** The audit meta key where `change-control audit reconcile` leaves its request for the running app. */
export const RECONCILE_ASK_META_KEY = 'reconcile-asked';

/**
 * A reconciliation asked for from the command line: the running app queues it (src/app/reconciliation/), since only
 * the app holds the GitHub App's credentials. The newest request replaces one not yet queued.
 */
export const ReconcileAsk = z.object({
  /** Where the sweep starts (ISO-8601). */
  since: z.string().datetime({ offset: true }),
  /** Only this repository (`owner/name`); null: every repository of every installation. */
  repo: z.string().nullable(),
  /** When it was asked (ISO-8601): the request's identity. */
  askedAt: z.string(),
});
export type ReconcileAsk = z.infer<typeof ReconcileAsk>;
