import { z } from 'zod';
import { DeploymentStatusRecord } from '../audit/deployment-records.js';

/** How much to rewrite even when nothing changed: `status` after someone overwrote ours, `all` after "Re-run". */
export const Force = z.enum(['none', 'status', 'all']);
export type Force = z.infer<typeof Force>;

/** Someone else wrote our `change-control` status (a `status` event): recorded and re-posted by the worker. */
export const StatusWrite = z.object({
  deliveryId: z.string(),
  login: z.string(),
  state: z.string(),
  description: z.string().nullable(),
});
export type StatusWrite = z.infer<typeof StatusWrite>;

/** A `/change-control recheck` to answer once the evaluation it asked for is made: who asked, on which comment. */
export const RecheckAsk = z.object({
  deliveryId: z.string(),
  by: z.string(),
  comment: z.object({ id: z.number().int(), url: z.string() }),
});
export type RecheckAsk = z.infer<typeof RecheckAsk>;

/**
 * A `/change-control emergency` or `approve-retro` comment to run, as read back from GitHub when it was accepted
 * (what was first written is what runs). The worker reads the comment back by id again before it runs it: gone
 * (deleted) or by someone else, it runs nothing.
 */
export const CommandAsk = z.object({
  deliveryId: z.string(),
  by: z.string(),
  comment: z.object({ id: z.number().int(), url: z.string() }),
  command: z.discriminatedUnion('command', [
    z.object({ command: z.literal('emergency'), reason: z.string().min(1) }),
    z.object({ command: z.literal('approve-retro'), note: z.string().nullable() }),
  ]),
});
export type CommandAsk = z.infer<typeof CommandAsk>;

/** A final deployment status (success, failure, error) as its webhook reported it, to record in order. */
export const ReportedDeploymentStatus = DeploymentStatusRecord.pick({
  deploymentId: true,
  sha: true,
  ref: true,
  state: true,
  at: true,
  statusCreator: true,
  deploymentCreator: true,
  description: true,
}).extend({ deliveryId: z.string(), statusId: z.number().int() });
export type ReportedDeploymentStatus = z.infer<typeof ReportedDeploymentStatus>;

/**
 * A merge as its `pull_request.closed` delivery reported it (or, later, as a reconciliation sweep found it): what the
 * `unverified` claim records. Never decides anything: the worker reads the merge back from GitHub.
 */
export const MergeClaim = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  url: z.string(),
  author: z.string(),
  baseRef: z.string(),
  headSha: z.string(),
  mergeSha: z.string().nullable(),
  mergedBy: z.string().nullable(),
  mergedAt: z.string(),
});
export type MergeClaim = z.infer<typeof MergeClaim>;

/**
 * A push to a branch as its `push` webhook reported it, to check in order (src/app/pushes/check-push.ts). Only the
 * refs, the flags and who pushed come from the delivery; which commits it brought is read back from GitHub.
 */
export const ReportedPush = z.object({
  deliveryId: z.string(),
  /** The branch, without `refs/heads/`. */
  branch: z.string().min(1),
  before: z.string().regex(/^[0-9a-f]{40}$/),
  after: z.string().regex(/^[0-9a-f]{40}$/),
  created: z.boolean(),
  deleted: z.boolean(),
  forced: z.boolean(),
  /** The authenticated user or app that pushed (the delivery's `sender`). */
  sender: z.string().nullable(),
  /** The git identity GitHub names as the pusher. */
  pusher: z.object({ name: z.string(), email: z.string().nullable() }),
  /** When the app accepted the delivery (the push has no time of its own in the payload). */
  receivedAt: z.string(),
  /**
   * Why the push is checked now: its `push` delivery, or a reconciliation sweep that found commits on the branch no
   * delivery brought (recorded late; `sender` is then unknown). Absent: the delivery.
   */
  recordedBy: z.enum(['webhook', 'reconciliation']).optional(),
});
export type ReportedPush = z.infer<typeof ReportedPush>;

const Common = {
  installationId: z.number().int().positive(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  /** Every delivery merged into this work (oldest first, the newest kept when there are many). */
  deliveryIds: z.array(z.string()),
  force: Force,
  /** Writes of our status context by others (kept until recorded). */
  statusWrites: z.array(StatusWrite),
};

/**
 * One unit of queued work. `pull`: evaluate one PR. `commit`: a status or check event that named no PR;
 * the worker finds the open PRs whose head is `sha` (a GitHub call the webhook handler must not wait for)
 * and queues a `pull` for each. `merge-group`: one merge group's head commit. `enforcement` and `installation-sweep`: the enforcement checks (src/app/enforcement/check-enforcement.ts).
 * `merge`: the full evidence of a merged PR (its claim already recorded).
 * `push`: the pushes to one branch, checked for direct changes. `command`, `deployment-status` and `push` hold a list, run one item per claim in order (oldest comment or status first), so
 * the row's lease serialises them across replicas and a retry never repeats an item that was done.
 */
export const WorkRequest = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pull'),
    ...Common,
    number: z.number().int().positive(),
    headSha: z.string().nullable(),
    /** Rechecks waiting for this evaluation (the worker replies to each); absent in rows queued before rechecks were queued. */
    rechecks: z.array(RecheckAsk).optional(),
  }),
  z.object({
    kind: z.literal('commit'),
    ...Common,
    sha: z.string(),
    /** False when the only events are writes of our own status context (ours are ignored, others' re-posted). */
    evaluate: z.boolean(),
  }),
  /** Read what GitHub enforces on the repository's controlled branches, and who has access (docs/audit-and-evidence.md). */
  z.object({ kind: z.literal('enforcement'), ...Common, trigger: z.string() }),
  /** Queue an `enforcement` check for every repository of the installation (the daily sweep, an organisation ruleset). */
  z.object({
    kind: z.literal('installation-sweep'),
    installationId: Common.installationId,
    /** The account the installation belongs to. */
    owner: Common.owner,
    deliveryIds: Common.deliveryIds,
    force: Common.force,
    statusWrites: Common.statusWrites,
    trigger: z.string(),
  }),
  /**
   * Queue a `reconcile` of every repository of the installation (or only `repo`): the periodic reconciliation sweep,
   * or `change-control audit reconcile --since DATE` (src/app/reconciliation/).
   */
  z.object({
    kind: z.literal('reconcile-installation'),
    installationId: Common.installationId,
    owner: Common.owner,
    deliveryIds: Common.deliveryIds,
    force: Common.force,
    statusWrites: Common.statusWrites,
    /** Where the sweep starts (ISO-8601); null: from each repository's watermark. */
    since: z.string().datetime({ offset: true }).nullable(),
    /** Only this repository (`name`, of `owner`); null: every repository of the installation. */
    repo: z.string().min(1).nullable(),
  }),
  /** List what GitHub holds on the repository's controlled branches since `since` and record what the store lacks (src/app/reconciliation/reconcile-repository.ts). */
  z.object({
    kind: z.literal('reconcile'),
    ...Common,
    /** Where the sweep starts (ISO-8601); null: from the repository's watermark. */
    since: z.string().datetime({ offset: true }).nullable(),
  }),
  /** Commands that change what a PR's verdict rests on, one PR or issue at a time (src/app/commands/run-queued-command.ts). */
  z.object({
    kind: z.literal('command'),
    ...Common,
    number: z.number().int().positive(),
    isPullRequest: z.boolean(),
    asks: z.array(CommandAsk),
  }),
  /** Final deployment statuses of one environment, each compared with the one before (src/app/deployments/record-deployment-status.ts). */
  z.object({
    kind: z.literal('deployment-status'),
    ...Common,
    environment: z.string().min(1),
    statuses: z.array(ReportedDeploymentStatus),
  }),
  /** The full evidence of a merged PR, retried until GitHub answers (src/app/webhooks/record-merge-evidence.ts). */
  z.object({
    kind: z.literal('merge'),
    ...Common,
    merge: MergeClaim,
    /** The audit entry of the `unverified` claim the evidence completes; null when none was written. */
    claimSeq: z.number().int().nullable(),
    /** Why the merge is recorded now: its `closed` delivery, or a later sweep (recorded late). */
    recordedBy: z.enum(['webhook', 'reconciliation']),
  }),
  /** Pushes to one branch, each checked for commits that no merged PR brought (src/app/pushes/check-push.ts). */
  z.object({
    kind: z.literal('push'),
    ...Common,
    branch: z.string().min(1),
    pushes: z.array(ReportedPush),
  }),
  /**
   * A merge queue asked for checks on a merge group's head commit (`merge_group.checks_requested`): find the PRs
   * the group holds, assess each as it stands now and publish one verdict on the group's head (src/evaluation/evaluate-merge-group.ts).
   * The payload's refs and SHAs say where to look; which PRs the group holds is read back from GitHub.
   */
  z.object({
    kind: z.literal('merge-group'),
    ...Common,
    headSha: z.string().regex(/^[0-9a-f]{40}$/),
    headRef: z.string().min(1),
    baseSha: z.string().regex(/^[0-9a-f]{40}$/),
    baseRef: z.string().min(1),
  }),
]);
export type WorkRequest = z.infer<typeof WorkRequest>;

/** Deliveries kept per item: enough for the evidence of a burst, bounded so a hot PR's row stays small. */
const MAX_DELIVERY_IDS = 50;
const FORCE_ORDER: Force[] = ['none', 'status', 'all'];

/** The queue key: one item per PR (or per commit waiting for its PR lookup), case-insensitive like GitHub names. */
export function workKey(request: WorkRequest): string {
  if (request.kind === 'installation-sweep') return `installation:${request.installationId}`;
  if (request.kind === 'reconcile-installation') return `reconcile-installation:${request.installationId}`;
  const repo = `${request.owner}/${request.repo}`.toLowerCase();
  if (request.kind === 'enforcement') return `enforcement:${repo}`;
  if (request.kind === 'reconcile') return `reconcile:${repo}`;
  if (request.kind === 'command') return `command:${repo}#${request.number}`;
  // A PR merges once: its evidence is one row, whatever delivered it.
  if (request.kind === 'merge') return `merge:${repo}#${request.merge.number}`;
  // GitHub's environment names ignore case, like its repository names.
  if (request.kind === 'deployment-status') return `deployment-status:${repo}:${request.environment.toLowerCase()}`;
  if (request.kind === 'push') return `push:${repo}:${request.branch}`;
  // One verdict per group head: a redelivered or repeated request for the same group coalesces into one row.
  if (request.kind === 'merge-group') return `merge-group:${repo}@${request.headSha}`;
  return request.kind === 'pull' ? `pull:${repo}#${request.number}` : `commit:${repo}@${request.sha}`;
}

function strongerForce(a: Force, b: Force): Force {
  return FORCE_ORDER.indexOf(a) >= FORCE_ORDER.indexOf(b) ? a : b;
}

/** Both lists as one, each item once (by `id`; the earlier copy kept). */
function union<T>(earlier: T[], later: T[], id: (item: T) => string | number): T[] {
  const seen = new Set(earlier.map(id));
  return [...earlier, ...later.filter((item) => !seen.has(id(item)))];
}

/** Both lists as one, each item once, oldest first: `id` is GitHub's, which grows with time. */
function unionOldestFirst<T>(earlier: T[], later: T[], id: (item: T) => number): T[] {
  return union(earlier, later, id).sort((a, b) => id(a) - id(b));
}

/** The earlier of two sweep starts; null (from the watermark) only when neither names one. */
function earlierSince(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/**
 * Two requests for the same key as one: the later one's head, every delivery, the stronger force, every
 * status write. `later` arrived after `earlier`. Commands and deployment statuses are kept, every one, oldest first
 * (GitHub's comment and status ids grow with time), whatever order their webhooks arrived in.
 */
export function mergeRequests(earlier: WorkRequest, later: WorkRequest): WorkRequest {
  const deliveryIds = [...new Set([...earlier.deliveryIds, ...later.deliveryIds])].slice(-MAX_DELIVERY_IDS);
  const statusWrites = union(earlier.statusWrites, later.statusWrites, (w) => w.deliveryId);
  const merged = { ...later, deliveryIds, force: strongerForce(earlier.force, later.force), statusWrites };
  if (merged.kind === 'pull' && earlier.kind === 'pull') {
    merged.headSha = merged.headSha ?? earlier.headSha;
    const rechecks = union(earlier.rechecks ?? [], merged.rechecks ?? [], (r) => r.deliveryId);
    if (rechecks.length > 0) merged.rechecks = rechecks;
  }
  if (merged.kind === 'commit' && earlier.kind === 'commit') merged.evaluate = merged.evaluate || earlier.evaluate;
  if (merged.kind === 'command' && earlier.kind === 'command')
    merged.asks = unionOldestFirst(earlier.asks, merged.asks, (a) => a.comment.id);
  // The first claim written is the one the evidence completes; a redelivery or a sweep adds none.
  if (merged.kind === 'merge' && earlier.kind === 'merge') {
    merged.claimSeq = earlier.claimSeq ?? merged.claimSeq;
    if (earlier.recordedBy === 'webhook') merged.recordedBy = 'webhook';
  }
  // Two sweeps asked for: the one reaching further back covers both (null, the watermark, is the latest start).
  if (
    (merged.kind === 'reconcile' && earlier.kind === 'reconcile') ||
    (merged.kind === 'reconcile-installation' && earlier.kind === 'reconcile-installation')
  ) {
    merged.since = earlierSince(earlier.since, merged.since);
  }
  if (merged.kind === 'reconcile-installation' && earlier.kind === 'reconcile-installation' && merged.repo !== earlier.repo)
    merged.repo = null;
  if (merged.kind === 'deployment-status' && earlier.kind === 'deployment-status')
    merged.statuses = unionOldestFirst(earlier.statuses, merged.statuses, (s) => s.statusId);
  // Pushes have no id that grows with time: kept in the order they were accepted, each delivery once.
  if (merged.kind === 'push' && earlier.kind === 'push') merged.pushes = union(earlier.pushes, merged.pushes, (p) => p.deliveryId);
  return merged;
}

/** Parses a request read back from the store; a row that no longer parses is an error, never silently dropped. */
export function parseStoredRequest(json: string): WorkRequest {
  return WorkRequest.parse(JSON.parse(json));
}
