import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_SQLITE_PATH } from '../../../src/store/open-audit-store.js';
import { REPO_ROOT } from './build-app.js';
import { APP_ID, type E2E } from './start-e2e.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `change-control` command (`node lib/cli/main.js`) as an operator would next to the running app:
 * the app's credentials, GitHub Enterprise host, Jira and store (unless `env` says otherwise), a clean environment.
 */
export function runCli(e2e: E2E, args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const jira = e2e.jira.credentials.cloud!;
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    APP_ID: String(APP_ID),
    PRIVATE_KEY: e2e.appPrivateKey,
    GHE_HOST: e2e.github.host,
    GHE_PROTOCOL: 'http',
    JIRA_BASE_URL: e2e.jira.url,
    JIRA_EMAIL: jira.email,
    JIRA_API_TOKEN: jira.apiToken,
    TICKET_CACHE_SECONDS: '0',
    DATABASE_URL: `sqlite:${join(e2e.cwd, DEFAULT_SQLITE_PATH)}`,
    ...env,
  };
  const clean = Object.fromEntries(Object.entries(base).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'lib', 'cli', 'main.js'), ...args],
      { cwd: e2e.cwd, env: clean, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `audit export --format jsonl` of one repository over all time (`exceptions`: the exceptions export), as rows. */
export async function exportJsonl(
  e2e: E2E,
  repo: { owner: string; repo: string },
  options: { exceptions?: boolean } = {},
): Promise<Array<Record<string, unknown>>> {
  const args = ['audit', 'export', '--since', '2000-01-01', '--until', '2100-01-01', '--format', 'jsonl'];
  const run = await runCli(e2e, [...args, ...(options.exceptions ? ['--exceptions'] : []), '--repo', `${repo.owner}/${repo.repo}`]);
  if (run.code !== 0) throw new Error(`audit export exited ${run.code}: ${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
