import { z } from 'zod';
import { UsageError } from './cli-io.js';

export const RepoFlag = z.string().regex(/^[^/\s#]+\/[^/\s#]+$/, {
  error: (issue) => `--repo must be OWNER/NAME like acme/payments, got ${JSON.stringify(issue.input)}`,
});

/** `OWNER/NAME#N`, the argument of `audit show`. */
export const PullRequestArg = z
  .string()
  .regex(/^[^/\s#]+\/[^/\s#]+#[1-9]\d*$/, {
    error: (issue) => `the pull request must be OWNER/NAME#N like acme/payments#42, got ${JSON.stringify(issue.input)}`,
  })
  .transform((value) => {
    const [repo = '', number = ''] = value.split('#');
    return { repo, prNumber: Number(number) };
  });

/** Parses commander's option values; every problem is reported, each on its own line. */
export function parseFlags<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('\nerror: '));
}
