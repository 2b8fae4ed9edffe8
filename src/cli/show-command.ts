import { z } from 'zod';
import { parseFlags, PullRequestArg } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { formatEntries } from '../report/format-entry.js';
import { openReadOnlyStore } from './open-read-only-store.js';

export const ShowFlags = z.object({ pr: PullRequestArg, json: z.boolean().default(false), database: z.string().optional() }).strict();

/** `audit show OWNER/NAME#N`: every entry of the PR in sequence order; `--json` prints them as stored. Reads only. */
export async function showCommand(rawFlags: unknown, io: CliIo): Promise<ExitCode> {
  try {
    const flags = parseFlags(ShowFlags, rawFlags);
    const store = await openReadOnlyStore({ database: flags.database, env: io.env });
    try {
      const entries = await store.list({ repo: flags.pr.repo, prNumber: flags.pr.prNumber });
      if (entries.length === 0) {
        io.stderr.write(`no audit entries for ${flags.pr.repo}#${flags.pr.prNumber}\n`);
        return 1;
      }
      io.stdout.write(flags.json ? `${JSON.stringify(entries, null, 2)}\n` : formatEntries(entries));
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportFailure(io, error);
  }
}
