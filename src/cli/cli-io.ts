/** Where a command writes, and what it reads from its environment: `process` in main.ts, buffers in tests. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The clock for "generated at" in reports; the real one when unset. */
  now?: () => Date;
}

/**
 * Exit codes: 0 done (verify: the chain is intact); 1 the store's content is not what it should be
 * (verify: a broken chain; export: an entry that is not a record; show: no entries; evaluate: the app would not
 * evaluate the pull request); 2 the command could not run as asked (bad flags or dates, no store, an unreadable
 * key, a database that cannot be reached; evaluate: no credentials, an invalid candidate, GitHub unreadable).
 */
export type ExitCode = 0 | 1 | 2;

/** A problem with what the user asked for (flags, dates, paths, keys). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Prints why the command could not run and returns 2. */
export function reportFailure(io: CliIo, error: unknown): ExitCode {
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: the audit store could not be read: ${message}\n`);
  }
  return 2;
}
