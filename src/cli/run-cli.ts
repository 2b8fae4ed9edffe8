import { Command, CommanderError } from 'commander';
import type { CliIo, ExitCode } from './cli-io.js';
import { atCommand } from './controls-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { exportCommand } from './export-command.js';
import { reconcileCommand } from './reconcile-command.js';
import { showCommand } from './show-command.js';
import { traceCommand } from './trace-command.js';
import { verifyCommand } from './verify-command.js';

const DATABASE_HELP = 'audit store URL: sqlite:PATH or postgres://… (default: DATABASE_URL, else sqlite:./data/change-control.db)';

const EXPORT_HELP = `
Dates: YYYY-MM-DD (00:00 UTC that day) or an ISO-8601 time with its offset (2026-01-31T09:30:00Z).
--since is inclusive and --until exclusive: --since 2026-01-01 --until 2026-04-01 is the first quarter.
A merged PR is in the period when its merge entry's time is; an exception, when the exception entry's is
(an emergency change, when it was authorised). An emergency change without a retrospective approval past its
due time is listed as emergency-overdue.`;

const EVALUATE_HELP = `
Credentials: APP_ID with the app's private key (PRIVATE_KEY or PRIVATE_KEY_PATH) reads as the app's installation
on the repository; else GITHUB_TOKEN, a personal token, for read-only use (APP_ID is still needed: it tells the
app's own check run from the others). GHE_HOST and GHE_PROTOCOL, the Jira and ServiceNow variables,
TICKET_CACHE_SECONDS and AUDIT_SIGNING_KEY are read as the app reads them.
Exit status: 0 the report was produced (whatever the verdict); 1 the app would not evaluate the pull request;
2 the dry run could not be made (arguments, credentials, candidate policy, audit store, GitHub).`;

/**
 * The `change-control` command line, run in-process: parses `argv` (without node and the script), runs
 * the command and returns its exit code. Commander's own errors (unknown option, missing argument) exit 2.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = new Command('change-control')
    .description(
      'Change Control: read the audit store (export evidence, verify the hash chain, show a pull request, trace a deployed commit); dry-run a policy on a pull request',
    )
    // Set before adding commands: subcommands inherit these settings when they are created.
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(add --help for usage)');

  const audit = program.command('audit').description('read the audit store (never writes to it)');

  audit
    .command('export')
    .description('the merged pull requests of a period, one row each, with their evidence')
    // Checked by ExportFlags rather than requiredOption, which commander reports before an unknown option.
    .option('--since <date>', 'start of the period, inclusive (required)')
    .option('--until <date>', 'end of the period, exclusive (required)')
    .option('--repo <owner/name>', 'only this repository')
    .option('--format <format>', 'csv, jsonl or html', 'csv')
    .option(
      '--exceptions',
      'list the exceptions instead: merges without a passing verdict, and emergency changes (overdue ones as emergency-overdue)',
    )
    .option('--key-file <path>', 'html only: key to check signatures for the chain status (Ed25519 public key PEM or HMAC secret)')
    .option('--database <url>', DATABASE_HELP)
    .addHelpText('after', EXPORT_HELP)
    .action(async (options: Record<string, unknown>) => {
      code = await exportCommand(options, io);
    });

  audit
    .command('verify')
    .description('recompute the hash chain (and signatures with a key) and check it against the witness; exit 0 when intact, 1 otherwise')
    .option('--key-file <path>', 'Ed25519 public key in PEM, or the HMAC secret (default: AUDIT_SIGNING_KEY)')
    .option('--database <url>', DATABASE_HELP)
    .option('--witness-file <path>', 'check the store against the newest head published to this file (default: AUDIT_WITNESS_FILE)')
    .action(async (options: Record<string, unknown>) => {
      code = await verifyCommand(options, io);
    });

  audit
    .command('show')
    .description('every audit entry of one pull request, in order')
    .argument('<pr>', 'OWNER/NAME#N, e.g. acme/payments#42')
    .option('--json', 'print the entries as stored')
    .option('--database <url>', DATABASE_HELP)
    .action(async (pr: string, options: Record<string, unknown>) => {
      code = await showCommand({ ...options, pr }, io);
    });

  audit
    .command('trace')
    .description('from a deployed commit back to each change: ticket and its approver, approvers, checks, merger, deployments')
    .argument('<sha>', 'a commit SHA (7 to 40 hex digits), e.g. the one now in production')
    .option('--repo <owner/name>', 'the repository, when the SHA is known in several')
    .option('--json', 'print the trace as JSON')
    .option('--database <url>', DATABASE_HELP)
    .action(async (sha: string, options: Record<string, unknown>) => {
      code = await traceCommand({ ...options, sha }, io);
    });

  for (const [name, description] of [
    ['controls', 'was change control in force at DATE, per repository and controlled branch, and who could bypass it'],
    ['access', 'who could approve, merge, push directly or bypass at DATE, per controlled repository, and how they got it'],
  ] as const) {
    audit
      .command(name)
      .description(description)
      .option('--at <date>', 'the date or time to answer for (required): YYYY-MM-DD is 00:00 UTC that day')
      .option('--repo <owner/name>', 'only this repository')
      .option('--json', 'print the records as JSON')
      .option('--database <url>', DATABASE_HELP)
      .action(async (options: Record<string, unknown>) => {
        code = await atCommand(name)(options, io);
      });
  }

  audit
    .command('reconcile')
    .description('ask the running app to find on GitHub the merges and pushes the store lacks since DATE, and record them (recorded late)')
    .option('--since <date>', 'where the sweep starts (required): YYYY-MM-DD is 00:00 UTC that day')
    .option('--repo <owner/name>', 'only this repository')
    .option('--database <url>', DATABASE_HELP)
    .action(async (options: Record<string, unknown>) => {
      code = await reconcileCommand(options, io);
    });

  program
    .command('evaluate')
    .description('dry run: the report the app would post for a pull request now, under its live policy or a candidate; writes nothing')
    .argument('<pr>', 'OWNER/NAME#N, e.g. acme/payments#42')
    .option('--policy <file>', 'a candidate .github/change-control.yml to evaluate under instead (the organisation floor still applies)')
    .option('--format <format>', 'text, markdown or json (the answer of POST /api/v1/simulate)', 'text')
    .option('--database <url>', `${DATABASE_HELP}: pushers and emergency authorisations are read from it`)
    .addHelpText('after', EVALUATE_HELP)
    .action(async (pr: string, options: Record<string, unknown>) => {
      code = await evaluateCommand({ ...options, pr }, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // exitOverride: commander throws instead of exiting; it has already printed its message.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
}
