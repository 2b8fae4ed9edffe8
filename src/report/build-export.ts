import type { AuditEntry, AuditFilter, AuditStore } from '../audit/audit-entry.js';
import { currentMerges } from '../audit/current-merges.js';
import { findRetroApproval } from '../audit/emergency-status.js';
import type { AuditSigner } from '../audit/signing.js';
import { readEnforcementGaps } from './enforcement-gaps.js';
import { verifyChain } from '../audit/verify-chain.js';
import {
  deploymentBypassRow,
  directPushRow,
  emergencyRow,
  EXCEPTION_COLUMNS,
  EXPORT_COLUMNS,
  exceptionRow,
  mergeRow,
  type ExportRow,
} from './export-row.js';
import { withDeployments } from './first-deployments.js';
import { formatCsv } from './format-csv.js';
import { gapRow } from './gap-row.js';
import { formatHtml } from './format-html.js';
import { formatJsonl } from './format-jsonl.js';

/** What `audit export` and the dashboard's downloads export: merged changes, or exceptions, in [since, until). */
export interface ExportQuery {
  since: string;
  until: string;
  repo?: string;
  exceptions: boolean;
}

export type ExportFormat = 'csv' | 'jsonl' | 'html';

/**
 * The exceptions of the period in audit order: merges that bypassed the gate (`bypass`), successes on a gated
 * environment the gate did not approve (`deployment-bypass`), pushes to a controlled branch that no merged PR brought
 * (`direct-push`), and emergency changes, each with its retrospective
 * approval as known at `now` (`emergency-overdue` when none by its due time); then the enforcement gaps
 * (`enforcement-gap`) that overlap the period.
 */
async function exceptionRows(store: AuditStore, filter: AuditFilter, now: Date): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for (const entry of await store.list({ ...filter, kinds: ['exception', 'emergency'] })) {
    if (entry.kind === 'emergency') {
      rows.push(await emergencyExceptionRow(store, entry, now));
      continue;
    }
    if (entry.data.type === 'deployment-bypass') {
      rows.push(deploymentBypassRow(entry));
      continue;
    }
    if (entry.data.type === 'direct-push') {
      rows.push(directPushRow(entry));
      continue;
    }
    let merge: AuditEntry | null = null;
    if (entry.prNumber !== null) {
      const merges = await store.list({ repo: entry.repo, prNumber: entry.prNumber, kinds: ['merge'] });
      // The merge record written just before the exception (a PR merges once; redeliveries add nothing).
      merge = merges.filter((candidate) => candidate.seq < entry.seq).at(-1) ?? null;
    }
    rows.push(exceptionRow(entry, merge));
  }
  // Times the gate was not in force that overlap the period, including ones that began before it.
  const gaps = await readEnforcementGaps({
    store,
    since: filter.since ?? '',
    until: filter.until ?? '',
    ...(filter.repo ? { repo: filter.repo } : {}),
  });
  return [...rows, ...gaps.map(gapRow)];
}

async function emergencyExceptionRow(store: AuditStore, entry: AuditEntry, now: Date): Promise<ExportRow> {
  const pr = entry.prNumber === null ? {} : { prNumber: entry.prNumber };
  const [approvals, merges] = await Promise.all([
    store.list({ repo: entry.repo, ...pr, kinds: ['retro-approval'] }),
    store.list({ repo: entry.repo, ...pr, kinds: ['merge'] }),
  ]);
  // The merge of the head the emergency covered, if it was merged.
  const merge = currentMerges(merges).find((candidate) => candidate.seq > entry.seq && candidate.headSha === entry.headSha) ?? null;
  return emergencyRow(entry, { approval: findRetroApproval({ emergencySeq: entry.seq, approvals, now }), merge, now });
}

/** The export's rows, with the first deployment of each change. Throws RecordShapeError on an entry of the wrong shape. */
export async function buildExportRows(input: { store: AuditStore; query: ExportQuery; now: Date }): Promise<ExportRow[]> {
  const { store, query, now } = input;
  const filter: AuditFilter = { since: query.since, until: query.until, ...(query.repo ? { repo: query.repo } : {}) };
  const listed = query.exceptions
    ? await exceptionRows(store, filter, now)
    : currentMerges(await store.list({ ...filter, kinds: ['merge'] })).map(mergeRow);
  // A change may be deployed after the period ends: its deployments are read whatever their time.
  const deployed = withDeployments(listed, await store.list({ ...(query.repo ? { repo: query.repo } : {}), kinds: ['deployment-status'] }));
  const reconciled = new Map((await store.reconciliationWatermarks(query.repo)).map((w) => [w.repo, w.upTo]));
  return deployed.map((row) => ({ ...row, reconciled_up_to: reconciled.get(row.repo) ?? null }));
}

/** The rows as the CLI prints them; the HTML report verifies the whole chain (and signatures when a signer is given). */
export async function formatExport(input: {
  store: AuditStore;
  query: ExportQuery;
  rows: ExportRow[];
  format: ExportFormat;
  now: Date;
  signer?: AuditSigner;
}): Promise<string> {
  const { store, query, rows, signer } = input;
  const columns = query.exceptions ? EXCEPTION_COLUMNS : EXPORT_COLUMNS;
  if (input.format === 'csv') return formatCsv(rows, columns);
  if (input.format === 'jsonl') return formatJsonl(rows, columns);
  const chain = await verifyChain(store.iterate(), { signer });
  return formatHtml({
    mode: query.exceptions ? 'exceptions' : 'merges',
    since: query.since,
    until: query.until,
    repo: query.repo ?? null,
    generatedAt: input.now.toISOString(),
    chain,
    signatures: signer?.algorithm ?? null,
    rows,
    columns,
  });
}
