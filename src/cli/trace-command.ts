import { z } from 'zod';
import { EvidenceShapeError } from '../audit/read-change-evidence.js';
import { buildTrace } from './build-trace.js';
import { parseFlags, RepoFlag } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { RecordShapeError } from '../report/export-row.js';
import { formatTrace } from './format-trace.js';
import { openReadOnlyStore } from './open-read-only-store.js';

export const TraceFlags = z
  .object({
    sha: z
      .string()
      .regex(/^[0-9a-fA-F]{7,40}$/, {
        error: (issue) => `the commit must be a SHA of 7 to 40 hex digits, got ${JSON.stringify(issue.input)}`,
      })
      .transform((sha) => sha.toLowerCase()),
    repo: RepoFlag.optional(),
    json: z.boolean().default(false),
    database: z.string().optional(),
  })
  .strict();

/**
 * `audit trace SHA`: from a deployed commit back to each change behind it (ticket and its approver, approvers,
 * checks, merger) and each change's deployments. Exit 1 when the audit trail does not know the commit. Reads only.
 */
export async function traceCommand(rawFlags: unknown, io: CliIo): Promise<ExitCode> {
  try {
    const flags = parseFlags(TraceFlags, rawFlags);
    const store = await openReadOnlyStore({ database: flags.database, env: io.env });
    try {
      const now = (io.now ?? (() => new Date()))();
      const trace = await buildTrace({ store, sha: flags.sha, ...(flags.repo ? { repo: flags.repo } : {}), now });
      if (trace === null) {
        io.stderr.write(
          `no audit evidence for ${flags.sha}${flags.repo ? ` in ${flags.repo}` : ''}: no deployment, gate answer or merged change records it\n`,
        );
        return 1;
      }
      io.stdout.write(flags.json ? `${JSON.stringify(trace, null, 2)}\n` : formatTrace(trace));
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof RecordShapeError || error instanceof EvidenceShapeError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    return reportFailure(io, error);
  }
}
