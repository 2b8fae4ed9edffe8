import { z } from 'zod';
import type { AuditEntry, AuditFilter, AuditStore } from '../audit/audit-entry.js';
import { findRetroApproval } from '../audit/emergency-status.js';
import type { AuditSigner } from '../audit/signing.js';
import { verifyChain } from '../audit/verify-chain.js';
import { dateFlag, parseFlags, RepoFlag } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { emergencyRow, EXCEPTION_COLUMNS, EXPORT_COLUMNS, exceptionRow, mergeRow, RecordShapeError, type ExportRow } from './export-row.js';
import { withDeployments } from './first-deployments.js';
import { formatCsv } from './format-csv.js';
import { formatHtml } from './format-html.js';
import { formatJsonl } from './format-jsonl.js';
import { openReadOnlyStore } from './open-read-only-store.js';
import { readSigner } from './read-signer.js';

export const ExportFlags = z
  .object({
    since: dateFlag('--since'),
    until: dateFlag('--until'),
    repo: RepoFlag.optional(),
    format: z
      .enum(['csv', 'jsonl', 'html'], { error: (issue) => `--format must be one of csv, jsonl, html, got ${JSON.stringify(issue.input)}` })
      .default('csv'),
    exceptions: z.boolean().default(false),
    database: z.string().optional(),
    keyFile: z.string().optional(),
  })
  // Commander passes only the options it declares; a caller passing anything else has a bug.
  .strict()
  .superRefine((flags, ctx) => {
    if (Date.parse(flags.since) >= Date.parse(flags.until)) {
      ctx.addIssue({ code: 'custom', message: `--since (${flags.since}) must be before --until (${flags.until}); --until is exclusive` });
    }
    if (flags.keyFile !== undefined && flags.format !== 'html') {
      ctx.addIssue({ code: 'custom', message: '--key-file is only used with --format html (to check signatures for the chain status in the report)' });
    }
  });
export type ExportFlags = z.infer<typeof ExportFlags>;

/**
 * The exceptions of the period in audit order: merges that bypassed the gate (`bypass`), and emergency
 * changes, each with its retrospective approval as known at `now` (`emergency-overdue` when none by its due time).
 */
async function exceptionRows(store: AuditStore, filter: AuditFilter, now: Date): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for (const entry of await store.list({ ...filter, kinds: ['exception', 'emergency'] })) {
    if (entry.kind === 'emergency') {
      rows.push(await emergencyExceptionRow(store, entry, now));
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
  return rows;
}

async function emergencyExceptionRow(store: AuditStore, entry: AuditEntry, now: Date): Promise<ExportRow> {
  const pr = entry.prNumber === null ? {} : { prNumber: entry.prNumber };
  const [approvals, merges] = await Promise.all([
    store.list({ repo: entry.repo, ...pr, kinds: ['retro-approval'] }),
    store.list({ repo: entry.repo, ...pr, kinds: ['merge'] }),
  ]);
  // The merge of the head the emergency covered, if it was merged.
  const merge = merges.find((candidate) => candidate.seq > entry.seq && candidate.headSha === entry.headSha) ?? null;
  return emergencyRow(entry, { approval: findRetroApproval({ emergencySeq: entry.seq, approvals, now }), merge, now });
}

async function render(options: { store: AuditStore; flags: ExportFlags; io: CliIo; signer: AuditSigner | undefined }): Promise<string> {
  const { store, flags, io, signer } = options;
  const filter: AuditFilter = { since: flags.since, until: flags.until, ...(flags.repo ? { repo: flags.repo } : {}) };
  const now = (io.now ?? (() => new Date()))();
  const listed = flags.exceptions ? await exceptionRows(store, filter, now) : (await store.list({ ...filter, kinds: ['merge'] })).map(mergeRow);
  // A change may be deployed after the period ends: its deployments are read whatever their time.
  const rows = withDeployments(listed, await store.list({ ...(flags.repo ? { repo: flags.repo } : {}), kinds: ['deployment-status'] }));
  const columns = flags.exceptions ? EXCEPTION_COLUMNS : EXPORT_COLUMNS;
  if (flags.format === 'csv') return formatCsv(rows, columns);
  if (flags.format === 'jsonl') return formatJsonl(rows, columns);
  const chain = await verifyChain(store.iterate(), { signer });
  return formatHtml({
    mode: flags.exceptions ? 'exceptions' : 'merges',
    since: flags.since,
    until: flags.until,
    repo: flags.repo ?? null,
    generatedAt: now.toISOString(),
    chain,
    signatures: signer?.algorithm ?? null,
    rows,
    columns,
  });
}

/**
 * `audit export`: the merged PRs (or, with --exceptions, the exceptions: bypassed merges and emergency
 * changes) whose entry time is in [--since, --until), to stdout. Reads only.
 */
export async function exportCommand(rawFlags: unknown, io: CliIo): Promise<ExitCode> {
  try {
    const flags = parseFlags(ExportFlags, rawFlags);
    // Read the key before the store so a bad key is reported without touching the database.
    const signer = flags.format === 'html' ? readSigner({ keyFile: flags.keyFile, env: io.env }) : undefined;
    const store = await openReadOnlyStore({ database: flags.database, env: io.env });
    try {
      io.stdout.write(await render({ store, flags, io, signer }));
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof RecordShapeError) {
      // Leaving the entry out would make the population incomplete without anyone noticing.
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    return reportFailure(io, error);
  }
}
