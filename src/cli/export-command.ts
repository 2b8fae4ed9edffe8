import { z } from 'zod';
import type { AuditEntry, AuditFilter, AuditStore } from '../audit/audit-entry.js';
import type { AuditSigner } from '../audit/signing.js';
import { verifyChain } from '../audit/verify-chain.js';
import { dateFlag, parseFlags, RepoFlag } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { EXCEPTION_COLUMNS, EXPORT_COLUMNS, exceptionRow, mergeRow, RecordShapeError, type ExportRow } from './export-row.js';
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

async function exceptionRows(store: AuditStore, filter: AuditFilter): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for (const entry of await store.list({ ...filter, kinds: ['exception'] })) {
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

async function render(options: { store: AuditStore; flags: ExportFlags; io: CliIo; signer: AuditSigner | undefined }): Promise<string> {
  const { store, flags, io, signer } = options;
  const filter: AuditFilter = { since: flags.since, until: flags.until, ...(flags.repo ? { repo: flags.repo } : {}) };
  const rows = flags.exceptions ? await exceptionRows(store, filter) : (await store.list({ ...filter, kinds: ['merge'] })).map(mergeRow);
  const columns = flags.exceptions ? EXCEPTION_COLUMNS : EXPORT_COLUMNS;
  if (flags.format === 'csv') return formatCsv(rows, columns);
  if (flags.format === 'jsonl') return formatJsonl(rows, columns);
  const chain = await verifyChain(store.iterate(), { signer });
  return formatHtml({
    mode: flags.exceptions ? 'exceptions' : 'merges',
    since: flags.since,
    until: flags.until,
    repo: flags.repo ?? null,
    generatedAt: (io.now ?? (() => new Date()))().toISOString(),
    chain,
    signatures: signer?.algorithm ?? null,
    rows,
    columns,
  });
}

/**
 * `audit export`: the merged PRs (or, with --exceptions, the exceptions) whose entry time is in
 * [--since, --until), to stdout. Reads only.
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
