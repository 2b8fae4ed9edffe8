import { z } from 'zod';
import type { AuditEntry, AuditStore } from '../audit/audit-entry.js';
import { controlsAt, type ControlAt } from '../report/enforcement-at.js';
import { DeploymentGateRecord, DeploymentRecord, DeploymentStatusRecord, type DeployedChange } from '../audit/deployment-records.js';
import { MergeRecord } from '../audit/evidence-records.js';
import { currentMerges } from '../audit/current-merges.js';
import { DirectPushRecord } from '../audit/push-records.js';
import { readChangeEvidence } from '../audit/read-change-evidence.js';
import type { ChangeEvidence } from '../policy/decide-deployment.js';
import { UsageError } from './cli-io.js';
import { RecordShapeError } from '../report/export-row.js';

/** A deployment of the traced commit: its final state, who triggered it, and the changes it brought. */
export interface TracedDeployment {
  seq: number;
  at: string;
  environment: string;
  state: DeploymentStatusRecord['state'];
  deploymentId: number;
  /** Who created the deployment (from its `deployment` entry, else the status). */
  triggeredBy: string | null;
  previous: DeploymentStatusRecord['previous'];
  changes: DeployedChange[] | null;
  uncovered: DeploymentStatusRecord['uncovered'];
  changesError: string | null;
}

export interface TracedGate {
  seq: number;
  at: string;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}

/** A change (merged PR) behind the traced commit, with its evidence and where it was deployed. */
export interface TracedChange {
  record: MergeRecord;
  mergeSeq: number;
  emergency: ChangeEvidence['emergency'];
  /** Successful deployments to gated environments that brought the change, in audit order. */
  deployedTo: Array<{ environment: string; sha: string; at: string; seq: number }>;
  /** Why it is listed: a deployment of the commit brought it, or the commit is one of its own. */
  via: 'deployment' | 'commit';
  /** Whether GitHub enforced the gate on the base branch when it merged (the last `enforcement` entry before); null: no check recorded before. */
  gateInForce: Pick<ControlAt, 'status' | 'since' | 'seq' | 'reasons'> | null;
}

/** A push to a controlled branch that no merged PR brought (a `direct-push` exception) behind the traced commit. */
export interface TracedDirectPush {
  seq: number;
  at: string;
  record: DirectPushRecord;
  /** Why it is listed: the commit is its head or one it brought, or a deployment of the commit brought one of its commits. */
  via: 'commit' | 'deployment';
}

export interface Trace {
  repo: string;
  sha: string;
  deployments: TracedDeployment[];
  gates: TracedGate[];
  changes: TracedChange[];
  directPushes: TracedDirectPush[];
}

const TRACE_KINDS = ['merge', 'deployment', 'deployment-status', 'deployment-gate', 'exception'] as const;
const MergeCommits = z.object({
  facts: z
    .object({ commits: z.array(z.object({ sha: z.string() })) })
    .nullable()
    .optional(),
});

function parse<T extends z.ZodType>(schema: T, entry: AuditEntry): z.output<T> {
  const parsed = schema.safeParse(entry.data);
  if (!parsed.success) throw new RecordShapeError(entry, parsed.error);
  return parsed.data;
}

/** The commits a merge entry covers: its merge commit, its head and the PR's commits. */
function mergeShas(entry: AuditEntry): string[] {
  const record = MergeRecord.safeParse(entry.data);
  const commits = MergeCommits.safeParse(entry.data);
  return [
    ...(record.success ? [record.data.mergeSha, record.data.headSha] : []),
    ...(commits.success ? (commits.data.facts?.commits ?? []).map((c) => c.sha) : []),
  ].filter((sha): sha is string => sha !== null);
}

/** The commits a direct-push exception names: the branch head after it and each commit it brought. */
function directPushShas(entry: AuditEntry): string[] {
  const record = DirectPushRecord.safeParse(entry.data);
  if (!record.success) return [];
  return [...(record.data.deleted ? [] : [record.data.after]), ...record.data.commits.map((c) => c.sha)];
}

/** The one commit (and repository) a SHA or SHA prefix names in the audit trail; null when none. */
function resolve(entries: AuditEntry[], prefix: string): { repo: string; sha: string } | null {
  const found = new Map<string, { repo: string; sha: string }>();
  for (const entry of entries) {
    const shas =
      entry.kind === 'merge'
        ? mergeShas(entry)
        : entry.kind === 'exception' && entry.data.type === 'direct-push'
          ? directPushShas(entry)
          : entry.headSha
            ? [entry.headSha]
            : [];
    for (const sha of shas) if (sha.startsWith(prefix)) found.set(`${entry.repo} ${sha}`, { repo: entry.repo, sha });
  }
  if (found.size > 1) {
    const listed = [...found.keys()].sort().slice(0, 10).join(', ');
    throw new UsageError(`${prefix} names more than one commit in the audit trail (${listed}): give more of the SHA, or --repo`);
  }
  return [...found.values()][0] ?? null;
}

/**
 * Everything the audit trail says about one commit: its deployments to gated environments (who, when, final
 * state, the changes each brought), the gate's answers for it, and each change behind it, with ticket,
 * approvers, checks, merger and deployments. A change is behind the commit when a successful deployment of
 * the commit brought it, or when the commit is its merge commit, head or one of its commits. Null when the
 * audit trail does not know the commit.
 */
export async function buildTrace(input: { store: AuditStore; sha: string; repo?: string; now: Date }): Promise<Trace | null> {
  const { store, now } = input;
  const all = await store.list({ ...(input.repo ? { repo: input.repo } : {}), kinds: [...TRACE_KINDS] });
  const target = resolve(all, input.sha);
  if (target === null) return null;
  const { repo, sha } = target;
  const entries = all.filter((e) => e.repo === repo);

  const created = new Map<number, string | null>();
  for (const entry of entries.filter((e) => e.kind === 'deployment')) {
    const record = parse(DeploymentRecord, entry);
    created.set(record.deploymentId, record.creator ?? record.sender);
  }
  const statuses = entries
    .filter((e) => e.kind === 'deployment-status')
    .map((entry) => ({ entry, record: parse(DeploymentStatusRecord, entry) }));
  const deployments: TracedDeployment[] = statuses
    .filter(({ record }) => record.sha === sha)
    .map(({ entry, record }) => ({
      seq: entry.seq,
      at: record.at,
      environment: record.environment,
      state: record.state,
      deploymentId: record.deploymentId,
      triggeredBy: created.get(record.deploymentId) ?? record.deploymentCreator,
      previous: record.previous,
      changes: record.changes,
      uncovered: record.uncovered,
      changesError: record.changesError,
    }));
  const gates: TracedGate[] = entries
    .filter((e) => e.kind === 'deployment-gate' && e.headSha === sha)
    .map((entry) => {
      const record = parse(DeploymentGateRecord, entry);
      return { seq: entry.seq, at: entry.at, environment: record.environment, state: record.state, comment: record.comment };
    });

  const broughtBy = new Set(deployments.filter((d) => d.state === 'success').flatMap((d) => (d.changes ?? []).map((c) => c.prNumber)));
  const evidence = new Map((await readChangeEvidence({ store, repo, now })).map((e) => [e.mergeSeq, e]));
  const changes: TracedChange[] = [];
  // One change per merged PR: its evidence, or its unverified claim while the evidence is being read.
  for (const entry of currentMerges(entries)) {
    const record = parse(MergeRecord, entry);
    const own = mergeShas(entry).includes(sha);
    if (!own && !broughtBy.has(record.pr.number)) continue;
    const deployedTo = statuses
      .filter(({ record: s }) => s.state === 'success' && (s.changes ?? []).some((c) => c.prNumber === record.pr.number))
      .map(({ entry: s, record: r }) => ({ environment: r.environment, sha: r.sha, at: r.at, seq: s.seq }));
    const control = (await controlsAt({ store, at: record.mergedAt, repo })).find((c) => c.branch === record.baseRef);
    const gateInForce = control ? { status: control.status, since: control.since, seq: control.seq, reasons: control.reasons } : null;
    changes.push({
      record,
      mergeSeq: entry.seq,
      emergency: evidence.get(entry.seq)?.emergency ?? null,
      deployedTo,
      via: broughtBy.has(record.pr.number) ? 'deployment' : 'commit',
      gateInForce,
    });
  }
  // Commits a successful deployment of this commit brought that no approved change covers: a direct push's, perhaps.
  const uncovered = new Set(deployments.filter((d) => d.state === 'success').flatMap((d) => (d.uncovered ?? []).map((u) => u.sha)));
  const directPushes: TracedDirectPush[] = [];
  for (const entry of entries.filter((e) => e.kind === 'exception' && e.data.type === 'direct-push')) {
    const record = parse(DirectPushRecord, entry);
    const shas = directPushShas(entry);
    const via = shas.includes(sha) ? 'commit' : shas.some((s) => uncovered.has(s)) ? 'deployment' : null;
    if (via !== null) directPushes.push({ seq: entry.seq, at: entry.at, record, via });
  }
  return { repo, sha, deployments, gates, changes, directPushes };
}
