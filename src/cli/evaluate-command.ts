import { readFile } from 'node:fs/promises';
import { getPrivateKey } from '@probot/get-private-key';
import { pino } from 'pino';
import { createProbot } from 'probot';
import { z } from 'zod';
import type { AuditStore } from '../audit/audit-entry.js';
import { dryRunWithProbot, type CandidatePolicy } from '../evaluation/dry-run.js';
import { readEvaluationEnv, type EvaluationEnv } from '../evaluation/read-evaluation-env.js';
import { createChangeControlOctokit } from '../github/change-control-octokit.js';
import type { DryRunOutcome } from '../github/dry-run-report.js';
import { readGitHubClientEnv } from '../github/read-github-client-env.js';
import { createWriteBudget } from '../github/write-budget.js';
import { parseFlags, PullRequestArg } from './cli-flags.js';
import { reportFailure, UsageError, type CliIo, type ExitCode } from './cli-io.js';
import { formatDryRun } from './format-dry-run.js';
import { openReadOnlyStore } from './open-read-only-store.js';

export const EvaluateFlags = z
  .object({
    pr: PullRequestArg,
    policy: z.string().min(1, { error: '--policy must name a file' }).optional(),
    format: z
      .enum(['text', 'markdown', 'json'], {
        error: (issue) => `--format must be text, markdown or json, got ${JSON.stringify(issue.input)}`,
      })
      .default('text'),
    database: z.string().optional(),
  })
  .strict();

type Credentials = { auth: 'app' } | { auth: 'token'; token: string };

/**
 * The app's credentials (APP_ID and its private key, as Probot finds it: PRIVATE_KEY, PRIVATE_KEY_PATH) first,
 * else GITHUB_TOKEN. APP_ID is needed either way: it tells the app's own check run from the others, as in the app.
 */
function readCredentials(env: NodeJS.ProcessEnv): Credentials {
  let privateKey: string | null;
  try {
    privateKey = getPrivateKey({ env });
  } catch (error) {
    // The key's text is never echoed.
    throw new UsageError(`the app's private key cannot be read: ${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}`);
  }
  const token = env.GITHUB_TOKEN?.trim();
  if (!privateKey && !token)
    throw new UsageError(
      "no GitHub credentials: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) to read as the app's installation, or GITHUB_TOKEN (a personal token, read-only use) with APP_ID",
    );
  if (!env.APP_ID?.trim())
    throw new UsageError(
      "APP_ID must be set, with a private key or with GITHUB_TOKEN: the app's own check run and status are told from the others by it",
    );
  return privateKey ? { auth: 'app' } : { auth: 'token', token: token ?? '' };
}

async function readCandidate(path: string): Promise<CandidatePolicy> {
  try {
    return { text: await readFile(path, 'utf8'), name: path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`the candidate policy ${path} cannot be read${code ? ` (${code})` : ''}`);
  }
}

function readEnv(io: CliIo): EvaluationEnv {
  try {
    // No warning for a provider that is not configured: a policy that needs it gets an `error` verdict that says so.
    return readEvaluationEnv(io.env, { warn: () => undefined });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function print(outcome: DryRunOutcome, format: z.output<typeof EvaluateFlags>['format'], io: CliIo): ExitCode {
  if (outcome.kind === 'refused') {
    io.stderr.write(`error: ${outcome.message}\n${outcome.errors.map((e) => `  ${e}\n`).join('')}`);
    return 2;
  }
  if (outcome.kind === 'not-evaluated') {
    if (format === 'json') io.stdout.write(`${JSON.stringify(outcome.answer, null, 2)}\n`);
    io.stderr.write(`not evaluated: ${outcome.answer.reason}\n`);
    return 1;
  }
  const { report } = outcome;
  io.stdout.write(formatDryRun(report, format));
  // text says it on its first line; json and markdown keep stdout to the report.
  if (format !== 'text')
    io.stderr.write(`${report.pullRequest.repository}#${report.pullRequest.number}: ${report.state} (dry run: nothing was written)\n`);
  return 0;
}

/**
 * `evaluate OWNER/NAME#N [--policy FILE] [--format text|markdown|json]`: the report the app would post for the pull
 * request now, under its live policy or a candidate, read as the app reads it (GitHub, the ticket provider, the
 * audit store for pushers and emergencies) and writing nothing. Exit 0 with the report; 1 when the app would not
 * evaluate the pull request; 2 when the dry run cannot be made (flags, credentials, candidate, store, GitHub).
 */
export async function evaluateCommand(rawFlags: unknown, io: CliIo): Promise<ExitCode> {
  let store: AuditStore;
  let setup: { flags: z.output<typeof EvaluateFlags>; candidate?: CandidatePolicy; credentials: Credentials; env: EvaluationEnv };
  try {
    const flags = parseFlags(EvaluateFlags, rawFlags);
    const candidate = flags.policy === undefined ? undefined : await readCandidate(flags.policy);
    const credentials = readCredentials(io.env);
    setup = { flags, credentials, env: readEnv(io), ...(candidate ? { candidate } : {}) };
    store = await openReadOnlyStore({ database: flags.database, env: io.env });
  } catch (error) {
    return reportFailure(io, error);
  }
  const { flags, candidate, credentials, env } = setup;
  try {
    const github = readGitHubClientEnv(io.env);
    const probot = createProbot({
      env: io.env,
      overrides: {
        Octokit: createChangeControlOctokit({ budget: createWriteBudget(github.budget), timeoutMs: github.timeoutMs }),
        log: pino({ level: 'silent' }),
        ...(credentials.auth === 'token' ? { githubToken: credentials.token } : {}),
      },
    });
    const [owner = '', repo = ''] = flags.pr.repo.split('/');
    const outcome = await dryRunWithProbot({
      probot,
      auth: credentials.auth,
      deps: { ...env, audit: store, now: () => io.now?.() ?? new Date() },
      owner,
      repo,
      number: flags.pr.prNumber,
      ...(candidate ? { candidate } : {}),
    });
    return print(outcome, flags.format, io);
  } catch (error) {
    io.stderr.write(`error: the dry run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    await store.close();
  }
}
