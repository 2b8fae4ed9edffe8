import type { ReconciliationWatermark } from './reconciliation-watermark.js';
import { z } from 'zod';

/**
 * What an audit entry records:
 * - `verdict`: a verdict for a PR head that differs from the last one recorded (with the facts it used);
 * - `config-error`: the policy could not be used (its errors are in the verdict);
 * - `status-overwritten`: someone else wrote our `change-control` status; we re-posted ours;
 * - `push`: who pushed a head SHA to an open PR (the `sender` of `pull_request.synchronize`/`opened`);
 * - `merge`: the final evidence record of a merged PR;
 * - `exception`: a PR merged while its last verdict was not `success` (a bypass of branch protection), a success on a
 *   gated environment the gate did not approve (`deployment-bypass`), or a push to a controlled branch that no merged
 *   PR brought (`direct-push`, audit/push-records.ts);
 * - `emergency`: an emergency change authorised by a member of `emergency.teams` (with its follow-up issue);
 * - `retro-approval`: the retrospective approval of an emergency change;
 * - `command`: a `/change-control` command and what became of it (accepted or refused, and why);
 * - `emergency-overdue`: an emergency change whose retrospective approval is overdue was flagged on its follow-up issue;
 * - `deployment`: a deployment to a gated environment was created (who, which SHA, which environment);
 * - `deployment-status`: a gated deployment reached a final state; a success lists the changes it deployed;
 * - `deployment-gate`: the app's answer as the environment's deployment protection rule, with the evidence it used;
 * - `enforcement`: what GitHub enforces on a controlled branch changed (or was first read): is `change-control` required, who can bypass it;
 * - `access-snapshot`: who could approve, merge, push to or bypass a controlled repository changed (or was first read);
 * - `merge-group`: the verdict published on a merge queue's group head, with the PRs the group holds and each one's verdict;
 * - `merge-group-destroyed`: GitHub removed a merge group (merged, invalidated or dequeued).
 */
export const AuditKind = z.enum([
  'verdict',
  'config-error',
  'status-overwritten',
  'push',
  'merge',
  'exception',
  'emergency',
  'retro-approval',
  'command',
  'emergency-overdue',
  'deployment',
  'deployment-status',
  'deployment-gate',
  'ticket-write-back',
  'enforcement',
  'access-snapshot',
  'merge-group',
  'merge-group-destroyed',
]);
export type AuditKind = z.infer<typeof AuditKind>;

/** An entry as the app asks for it to be appended. */
export const NewAuditEntry = z.object({
  kind: AuditKind,
  /** ISO-8601 time of the decision (the app's clock). */
  at: z.iso.datetime({ offset: true }),
  /** The GitHub delivery id that caused it; a redelivery with the same id adds nothing. Null for work not caused by a webhook. */
  deliveryId: z.string().min(1).nullable(),
  /** `owner/name`. */
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  prNumber: z.number().int().positive().nullable(),
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .nullable(),
  /** The facts and outcome, as plain JSON. */
  data: z.record(z.string(), z.unknown()),
});
export type NewAuditEntry = z.infer<typeof NewAuditEntry>;

/** A stored entry: its place in the chain and its hash (and signature when a signing key is set). */
export interface AuditEntry extends NewAuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
  signature: string | null;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFilter {
  repo?: string;
  prNumber?: number;
  kinds?: AuditKind[];
  /** Inclusive lower bound on `at` (ISO-8601). */
  since?: string;
  /** Exclusive upper bound on `at` (ISO-8601). */
  until?: string;
  /** Only entries with a sequence number greater than this. */
  afterSeq?: number;
  limit?: number;
  /** Newest first instead of oldest first. */
  newestFirst?: boolean;
}

/**
 * The append-only audit store. Implementations: SQLite (default) and PostgreSQL. The app never updates
 * or deletes an entry; the database refuses it too (triggers), and the hash chain shows any change made
 * behind its back.
 */
export interface AuditStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Appends one entry at the end of the chain. Returns null, and adds nothing, when an entry with the
   * same delivery id, kind, repo and PR number exists (a redelivered webhook).
   */
  append(entry: NewAuditEntry): Promise<AuditEntry | null>;
  /** Entries matching the filter, in sequence order (or newest first). */
  list(filter: AuditFilter): Promise<AuditEntry[]>;
  /** The most recent entry matching the filter, or null. */
  latest(filter: Omit<AuditFilter, 'limit' | 'newestFirst'>): Promise<AuditEntry | null>;
  /** Every entry in sequence order, read in batches (for verify and export of large stores). */
  iterate(batchSize?: number): AsyncIterable<AuditEntry>;
  /** Small mutable app state that is not evidence (e.g. the id of the PR's trail comment). */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
  /**
   * The ticket key → open pull request index (not evidence): replaces the keys recorded for the PR with `keys`
   * (none: the PR is dropped, as when it is closed), so a ticket provider's webhook can find the PRs to re-evaluate.
   */
  indexTicketKeys(input: TicketIndexUpdate): Promise<void>;
  /** The open pull requests whose last evaluation found `key` (compared ignoring case). */
  pullRequestsForTicket(key: string): Promise<TicketPullRequest[]>;
  /**
   * One page of the whole ticket key → open pull request index, ordered by key, repo and number, from the first key
   * after `afterKey` (null: from the start): the ServiceNow poll walks it a page at a time.
   */
  ticketIndexPage(input: { afterKey: string | null; limit: number }): Promise<IndexedTicketPullRequest[]>;
  /** How far each repository's population is reconciled with GitHub (src/app/reconciliation/), by repository name. */
  reconciliationWatermarks(repo?: string): Promise<ReconciliationWatermark[]>;
  /** Stores a repository's watermark (computed with `extendWatermark`), replacing the one before. */
  setReconciliationWatermark(watermark: ReconciliationWatermark): Promise<void>;
}

/** A row of the ticket key → open pull request index. */
export interface IndexedTicketPullRequest extends TicketPullRequest {
  /** Upper-case. */
  ticketKey: string;
}

export interface TicketPullRequest {
  /** `owner/name`. */
  repo: string;
  prNumber: number;
  installationId: number;
  headSha: string;
  updatedAt: string;
}

export interface TicketIndexUpdate {
  repo: string;
  prNumber: number;
  installationId: number;
  headSha: string;
  /** Upper-case ticket keys; empty removes the PR from the index. */
  keys: string[];
}
