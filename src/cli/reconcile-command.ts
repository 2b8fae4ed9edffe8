import { z } from 'zod';
import { RECONCILE_ASK_META_KEY, type ReconcileAsk } from '../audit/reconcile-ask.js';
import type { ReconciliationWatermark } from '../audit/reconciliation-watermark.js';
import { dateFlag } from '../report/date-flag.js';
import { parseFlags, RepoFlag } from './cli-flags.js';
import { reportFailure, UsageError, type CliIo, type ExitCode } from './cli-io.js';
import { openReadOnlyStore } from './open-read-only-store.js';

export const ReconcileFlags = z
  .object({
    since: dateFlag('--since'),
    repo: RepoFlag.optional(),
    database: z.string().optional(),
  })
  .strict();

function formatWatermarks(watermarks: ReconciliationWatermark[]): string {
  if (watermarks.length === 0) return 'No repository has been reconciled yet.\n';
  return ['Reconciled so far (repository: from → up to):', ...watermarks.map((w) => `  ${w.repo}: ${w.from} → ${w.upTo}`), ''].join('\n');
}

/**
 * `audit reconcile --since DATE [--repo OWNER/NAME]`: asks the running app (which holds the GitHub App's credentials)
 * to sweep every repository of every installation, or only `--repo`, from DATE: the request is left in the audit store,
 * where the app looks every RECONCILE_POLL_SECONDS and queues the sweep through its durable queue. Prints each
 * repository's watermark as it stands. The one write is that request (no audit entry). Exit 2 on a bad flag, a future
 * date or a store that cannot be opened.
 */
export async function reconcileCommand(rawFlags: unknown, io: CliIo): Promise<ExitCode> {
  try {
    const flags = parseFlags(ReconcileFlags, rawFlags);
    const now = (io.now ?? (() => new Date()))();
    if (Date.parse(flags.since) >= now.getTime()) throw new UsageError(`--since (${flags.since}) must be in the past`);
    // Opened only once the store is known to exist and be migrated: the request must not create a store.
    const store = await openReadOnlyStore({ database: flags.database, env: io.env });
    try {
      const ask: ReconcileAsk = { since: flags.since, repo: flags.repo ?? null, askedAt: now.toISOString() };
      await store.setMeta(RECONCILE_ASK_META_KEY, JSON.stringify(ask));
      io.stdout.write(
        `Asked the running app to reconcile ${flags.repo ?? 'every repository'} since ${flags.since}: it queues the sweep within RECONCILE_POLL_SECONDS (default 60 s); each repository's watermark moves when its sweep succeeds.\n`,
      );
      io.stdout.write(formatWatermarks(await store.reconciliationWatermarks(flags.repo)));
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportFailure(io, error);
  }
}
