import { z } from 'zod';
import type { AuditStore } from '../audit/audit-entry.js';
import type { AuditSigner } from '../audit/signing.js';
import { buildExportRows, formatExport } from '../report/build-export.js';
import { dateFlag } from '../report/date-flag.js';
import { parseFlags, RepoFlag } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { RecordShapeError } from '../report/export-row.js';
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
      ctx.addIssue({
        code: 'custom',
        message: '--key-file is only used with --format html (to check signatures for the chain status in the report)',
      });
    }
  });
export type ExportFlags = z.infer<typeof ExportFlags>;

async function render(options: { store: AuditStore; flags: ExportFlags; io: CliIo; signer: AuditSigner | undefined }): Promise<string> {
  const { store, flags, io, signer } = options;
  const query = { since: flags.since, until: flags.until, exceptions: flags.exceptions, ...(flags.repo ? { repo: flags.repo } : {}) };
  const now = (io.now ?? (() => new Date()))();
  const rows = await buildExportRows({ store, query, now });
  return formatExport({ store, query, rows, format: flags.format, now, ...(signer ? { signer } : {}) });
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
