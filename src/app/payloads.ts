import { z } from 'zod';

/** The parts of webhook payloads we rely on. A payload without them is refused with a precise message. */

const Repository = z.object({ name: z.string(), owner: z.object({ login: z.string() }) });

export const PullRequestPayload = z.object({
  repository: Repository,
  pull_request: z.object({
    number: z.number().int().positive(),
    head: z.object({ sha: z.string() }),
    /** GitHub's time of the change (for `synchronize`, the push), on GitHub's clock like a comment's `created_at`. */
    updated_at: z.string().optional(),
  }),
});

const PullRequestRefs = z.array(
  z.object({ number: z.number().int().positive(), base: z.object({ repo: z.object({ id: z.number() }) }).optional() }),
);

export const CheckRunPayload = z.object({
  repository: Repository.extend({ id: z.number() }),
  check_run: z.object({
    name: z.string(),
    head_sha: z.string(),
    app: z.object({ id: z.number() }).nullable(),
    pull_requests: PullRequestRefs,
  }),
});

export const CheckSuitePayload = z.object({
  repository: Repository.extend({ id: z.number() }),
  check_suite: z.object({ head_sha: z.string(), app: z.object({ id: z.number() }).nullable(), pull_requests: PullRequestRefs }),
});

export const CodeScanningAlertPayload = z.object({
  repository: Repository,
  /** The ref the alert changed on (`refs/pull/N/merge`, `refs/heads/…`); empty when a person dismissed or reopened it. */
  ref: z.string().nullish(),
  /** The commit analysed; empty when a person dismissed or reopened it. */
  commit_oid: z.string().nullish(),
  alert: z.object({ most_recent_instance: z.object({ ref: z.string().nullish(), commit_sha: z.string().nullish() }).nullish() }),
});

export const StatusPayload = z.object({
  repository: Repository,
  sha: z.string(),
  context: z.string(),
  state: z.string(),
  description: z.string().nullable().optional(),
  sender: z.object({ login: z.string() }),
});

const Sha = z.string().regex(/^[0-9a-f]{40}$/);

/** `merge_group` (`checks_requested`, `destroyed`): where the group is; which PRs it holds is read back from GitHub. */
export const MergeGroupPayload = z.object({
  repository: Repository,
  merge_group: z.object({ head_sha: Sha, head_ref: z.string().min(1), base_sha: Sha, base_ref: z.string().min(1) }),
  /** `destroyed` only: merged, invalidated (an earlier entry left the queue) or dequeued. */
  reason: z.string().optional(),
});

/** Thrown for a webhook whose payload lacks what we need; `status` makes Probot answer 400 instead of 500. */
export class MalformedPayloadError extends Error {
  readonly status = 400;

  constructor(event: string, error: z.ZodError) {
    super(`malformed ${event} payload: ${z.prettifyError(error).replace(/\n/g, '; ')}`);
    this.name = 'MalformedPayloadError';
  }
}

export function parsePayload<T extends z.ZodType>(schema: T, event: string, payload: unknown): z.infer<T> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new MalformedPayloadError(event, parsed.error);
  return parsed.data;
}

export const ClosedPullRequestPayload = z.object({
  repository: Repository,
  pull_request: z.object({
    number: z.number().int().positive(),
    title: z.string(),
    html_url: z.string(),
    merged: z.boolean().nullable(),
    merge_commit_sha: z.string().nullable(),
    merged_at: z.string().nullable(),
    merged_by: z.object({ login: z.string() }).nullable().optional(),
    user: z.object({ login: z.string() }),
    head: z.object({ sha: z.string() }),
    base: z.object({ ref: z.string() }),
  }),
});

export const SenderPayload = z.object({ sender: z.object({ login: z.string(), type: z.string().optional() }) });

export const IssueCommentPayload = z.object({
  repository: Repository,
  installation: z.object({ id: z.number().int() }),
  issue: z.object({
    number: z.number().int().positive(),
    /** Present when the issue is a pull request. */
    pull_request: z.object({ url: z.string().optional() }).nullable().optional(),
  }),
  comment: z.object({
    id: z.number(),
    html_url: z.string(),
    body: z.string().nullable(),
    user: z.object({ login: z.string(), type: z.string() }),
  }),
});
export type IssueCommentPayload = z.infer<typeof IssueCommentPayload>;

/** A `push`: which ref moved from which commit to which, and who pushed. Which commits it brought is read from GitHub. */
export const PushPayload = z.object({
  repository: Repository,
  ref: z.string(),
  before: z.string().regex(/^[0-9a-f]{40}$/),
  after: z.string().regex(/^[0-9a-f]{40}$/),
  created: z.boolean(),
  deleted: z.boolean(),
  forced: z.boolean(),
  pusher: z.object({ name: z.string(), email: z.string().nullish() }),
  sender: z.object({ login: z.string() }).nullish(),
});
