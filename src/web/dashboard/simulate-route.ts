import { z } from 'zod';
import type { DryRunOutcome } from '../../github/dry-run-report.js';
import { OTHER_BODY_LIMIT } from '../../server/guard-request.js';
import { readBounded } from '../../server/read-bounded.js';
import type { RequestContext, Simulate } from './dashboard-context.js';
import { json, type Reply } from './respond.js';

export const SIMULATE_PATH = '/api/v1/simulate';

/** `{ repository: "owner/name", pull_request: N, policy?: "<yaml text>" }`. */
export const SimulateBody = z
  .object({
    repository: z.string().regex(/^[^/\s#]+\/[^/\s#]+$/, { error: 'repository must be "owner/name", e.g. "acme/payments"' }),
    pull_request: z.number({ error: 'pull_request must be the pull request number' }).int().positive(),
    policy: z.string({ error: 'policy must be the candidate policy as YAML text' }).optional(),
  })
  .strict();

const STATUS: Record<Extract<DryRunOutcome, { kind: 'refused' }>['problem'], number> = {
  'invalid-policy': 422,
  'not-found': 404,
  'no-installation': 404,
};

async function parseBody(ctx: RequestContext): Promise<{ ok: true; body: z.infer<typeof SimulateBody> } | { ok: false; reply: Reply }> {
  // The request guard refuses a declared body over the limit; a chunked one is bounded here.
  const raw = await readBounded(ctx.req, OTHER_BODY_LIMIT);
  if (raw === null) return { ok: false, reply: json(413, { error: `request body too large: at most ${OTHER_BODY_LIMIT} bytes` }) };
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return {
      ok: false,
      reply: json(400, { error: 'the body must be JSON: { "repository": "owner/name", "pull_request": N, "policy"?: "…" }' }),
    };
  }
  const parsed = SimulateBody.safeParse(value);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    return { ok: false, reply: json(400, { error: 'invalid request', errors }) };
  }
  return { ok: true, body: parsed.data };
}

/**
 * `POST /api/v1/simulate`: the report the app would post for a pull request, under its live policy or the
 * candidate `policy`, without writing anything (docs/dashboard.md). Authorised by the caller (a bearer token).
 */
export async function simulateRoute(ctx: RequestContext, simulate: Simulate): Promise<Reply> {
  const parsed = await parseBody(ctx);
  if (!parsed.ok) return parsed.reply;
  const { repository, pull_request: number, policy } = parsed.body;
  const [owner = '', repo = ''] = repository.split('/');
  let outcome: DryRunOutcome;
  try {
    outcome = await simulate({ owner, repo, number, ...(policy === undefined ? {} : { policy }) });
  } catch (error) {
    ctx.deps.log.error({ err: error, repository, pullRequest: number }, 'simulate: the dry run failed');
    return json(502, { error: `the dry run failed: ${error instanceof Error ? error.message : String(error)}` });
  }
  ctx.deps.log.info(
    {
      repository,
      pullRequest: number,
      candidate: policy !== undefined,
      outcome: outcome.kind === 'report' ? outcome.report.state : outcome.kind,
    },
    'simulate: dry run answered',
  );
  if (outcome.kind === 'report') return json(200, outcome.report);
  if (outcome.kind === 'not-evaluated') return json(200, outcome.answer);
  return json(STATUS[outcome.problem], { error: outcome.message, ...(outcome.errors.length > 0 ? { errors: outcome.errors } : {}) });
}
