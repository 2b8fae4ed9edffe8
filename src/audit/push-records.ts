import { z } from 'zod';

/** A commit of a push as GitHub reports it: its author (login when GitHub ties the email to a user) and headline. */
export const PushedCommit = z.object({
  sha: z.string(),
  author: z.object({ name: z.string().nullable(), email: z.string().nullable(), login: z.string().nullable() }),
  committer: z.object({ name: z.string().nullable(), email: z.string().nullable(), login: z.string().nullable() }),
  headline: z.string(),
  /** The merged PR into the branch that brought it (its merge, squash or rebased commit is in the same push), or null. */
  pullRequest: z.number().int().nullable(),
});
export type PushedCommit = z.infer<typeof PushedCommit>;

/**
 * An `exception` entry of type `direct-push`: a push to a controlled branch whose commits did not all come from merged
 * PRs into that branch (an admin or bypass actor pushing directly, a force-push, a deletion). Who pushed is the
 * delivery's; which commits, their authors and whether a PR brought them are GitHub's answers read back by the worker.
 */
export const DirectPushRecord = z.object({
  type: z.literal('direct-push'),
  branch: z.string(),
  before: z.string(),
  after: z.string(),
  forced: z.boolean(),
  created: z.boolean(),
  deleted: z.boolean(),
  /** The authenticated account that pushed (the delivery's `sender`). */
  sender: z.string().nullable(),
  /** The git identity GitHub names as the pusher. */
  pusher: z.object({ name: z.string(), email: z.string().nullable() }),
  /** Every commit the push brought that could be read, oldest first (those from merged PRs included, marked). */
  commits: z.array(PushedCommit),
  /** Commits a force-push took off the branch (reachable from `before`, not from `after`), oldest first. */
  removed: z.array(PushedCommit),
  /** Why the push is an exception, one line each. */
  reasons: z.array(z.string()),
  /** False when GitHub could not list every commit (more than the limit, or a truncated comparison): the lists are partial. */
  complete: z.boolean(),
  /** How many commits GitHub says the push brought (null when unknown, e.g. a deletion). */
  totalCommits: z.number().int().nullable(),
  /** The policy applied (repo:path@blob). */
  policy: z.string().nullable(),
  /** The issue opened for the exception, when it could be opened. */
  issueUrl: z.string().nullable(),
  /** What found the push: its `push` delivery, or a reconciliation sweep (recorded late; the sender is unknown). Absent: the delivery. */
  recordedBy: z.enum(['webhook', 'reconciliation']).optional(),
});
export type DirectPushRecord = z.infer<typeof DirectPushRecord>;
