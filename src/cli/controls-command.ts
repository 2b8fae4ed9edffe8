import { z } from 'zod';
import { accessAt, controlsAt } from '../report/enforcement-at.js';
import { dateFlag } from '../report/date-flag.js';
import { parseFlags, RepoFlag } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { formatAccess, formatControls } from './format-controls.js';
import { openReadOnlyStore } from './open-read-only-store.js';

export const AtFlags = z
  .object({
    at: dateFlag('--at'),
    repo: RepoFlag.optional(),
    json: z.boolean().default(false),
    database: z.string().optional(),
  })
  .strict();

/**
 * `audit controls --at DATE` and `audit access --at DATE`: the enforcement of each controlled branch, or the
 * access review of each repository, as recorded before DATE. Reads only the store. Exit 1 when the store holds
 * no check before DATE (nothing is known, which is not "in force").
 */
export function atCommand(what: 'controls' | 'access') {
  return async (rawFlags: unknown, io: CliIo): Promise<ExitCode> => {
    try {
      const flags = parseFlags(AtFlags, rawFlags);
      const store = await openReadOnlyStore({ database: flags.database, env: io.env });
      try {
        const query = { store, at: flags.at, ...(flags.repo ? { repo: flags.repo } : {}) };
        const rows = what === 'controls' ? await controlsAt(query) : await accessAt(query);
        if (rows.length === 0) {
          io.stderr.write(
            `no enforcement check recorded before ${flags.at}${flags.repo ? ` for ${flags.repo}` : ''}: whether the control was in force is unknown\n`,
          );
          return 1;
        }
        if (flags.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else
          io.stdout.write(
            what === 'controls'
              ? formatControls(flags.at, rows as Awaited<ReturnType<typeof controlsAt>>)
              : formatAccess(flags.at, rows as Awaited<ReturnType<typeof accessAt>>),
          );
        return 0;
      } finally {
        await store.close();
      }
    } catch (error) {
      return reportFailure(io, error);
    }
  };
}
