import { z } from 'zod';

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
 * and queues a `pull` for each. `enforcement` and `installation-sweep`: the enforcement checks (src/app/enforcement/check-enforcement.ts).
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
]);
export type WorkRequest = z.infer<typeof WorkRequest>;

/** Deliveries kept per item: enough for the evidence of a burst, bounded so a hot PR's row stays small. */
const MAX_DELIVERY_IDS = 50;
const FORCE_ORDER: Force[] = ['none', 'status', 'all'];

/** The queue key: one item per PR (or per commit waiting for its PR lookup), case-insensitive like GitHub names. */
export function workKey(request: WorkRequest): string {
  if (request.kind === 'installation-sweep') return `installation:${request.installationId}`;
  const repo = `${request.owner}/${request.repo}`.toLowerCase();
  if (request.kind === 'enforcement') return `enforcement:${repo}`;
  return request.kind === 'pull' ? `pull:${repo}#${request.number}` : `commit:${repo}@${request.sha}`;
}

function strongerForce(a: Force, b: Force): Force {
  return FORCE_ORDER.indexOf(a) >= FORCE_ORDER.indexOf(b) ? a : b;
}

/**
 * Two requests for the same key as one: the later one's head, every delivery, the stronger force, every
 * status write. `later` arrived after `earlier`.
 */
export function mergeRequests(earlier: WorkRequest, later: WorkRequest): WorkRequest {
  const deliveryIds = [...new Set([...earlier.deliveryIds, ...later.deliveryIds])].slice(-MAX_DELIVERY_IDS);
  const seen = new Set(earlier.statusWrites.map((w) => w.deliveryId));
  const statusWrites = [...earlier.statusWrites, ...later.statusWrites.filter((w) => !seen.has(w.deliveryId))];
  const merged = { ...later, deliveryIds, force: strongerForce(earlier.force, later.force), statusWrites };
  if (merged.kind === 'pull' && earlier.kind === 'pull') {
    merged.headSha = merged.headSha ?? earlier.headSha;
    const asked = new Set((earlier.rechecks ?? []).map((r) => r.deliveryId));
    const rechecks = [...(earlier.rechecks ?? []), ...(merged.rechecks ?? []).filter((r) => !asked.has(r.deliveryId))];
    if (rechecks.length > 0) merged.rechecks = rechecks;
  }
  if (merged.kind === 'commit' && earlier.kind === 'commit') merged.evaluate = merged.evaluate || earlier.evaluate;
  return merged;
}

/** Parses a request read back from the store; a row that no longer parses is an error, never silently dropped. */
export function parseStoredRequest(json: string): WorkRequest {
  return WorkRequest.parse(JSON.parse(json));
}
