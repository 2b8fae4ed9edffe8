import { spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { databaseTarget, DEFAULT_SQLITE_PATH } from '../../../src/store/open-audit-store.js';
import { REPO_ROOT } from './build-app.js';
import { waitFor } from './wait.js';

/** The server entry `npm start` runs, started with node directly: killing `npm` can leave its node child running (SETUP-NOTES). */
const APP_ENTRY = join(REPO_ROOT, 'lib', 'main.js');

export interface AppKey {
  /** PKCS#1 PEM, as GitHub hands it out. */
  privateKey: string;
  publicKey: KeyObject;
}

export function generateAppKey(): AppKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey };
}

/** A free loopback port. Probot turns PORT=0 into 3000, so the port is chosen here. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface RunningApp {
  url: string;
  webhookSecret: string;
  /** What the process printed (JSON logs), for failure messages. */
  output(): string;
  exited(): boolean;
  /**
   * Work the app has queued that is ready, in flight or about to be (read from its store; a retry waiting for
   * its time does not count). 0 means the app has nothing left to do now.
   */
  busyWork(): Promise<number>;
  /** Sends a signal (SIGKILL: the process dies mid-evaluation) and waits for the exit; the exit code (null when killed). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  /** One query on the app's store (SQLite or PostgreSQL), e.g. to read the audit entries it wrote. */
  query<R>(sql: string): Promise<R[]>;
  stop(): Promise<void>;
}

export interface StartAppInput {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  githubHost: string;
  jira: { baseUrl: string; email: string; apiToken: string };
  /** Extra variables, e.g. JIRA_TIMEOUT_MS. */
  env?: Record<string, string>;
  /** The working directory (default: a new temporary one), so a restarted app finds its SQLite store. */
  cwd?: string;
}

/**
 * Starts the app as `npm start` does (`node lib/main.js`), in an empty temporary working directory so no
 * `.env` is read, with a clean environment, and waits until `GET /healthz` answers 200.
 */
export async function startApp(input: StartAppInput): Promise<RunningApp> {
  const cwd = input.cwd ?? (await mkdtemp(join(tmpdir(), 'change-control-e2e-')));
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production', // no setup wizard, JSON logs
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_ID: String(input.appId),
    PRIVATE_KEY: input.privateKey,
    WEBHOOK_SECRET: input.webhookSecret,
    GHE_HOST: input.githubHost,
    GHE_PROTOCOL: 'http',
    JIRA_BASE_URL: input.jira.baseUrl,
    JIRA_EMAIL: input.jira.email,
    JIRA_API_TOKEN: input.jira.apiToken,
    // Tests change tickets between deliveries without a Jira webhook: no cached answers unless a test asks.
    TICKET_CACHE_SECONDS: '0',
    // A failed evaluation is retried only after the test that caused it; the fault tests set their own.
    CHANGE_CONTROL_RETRY_BASE_MS: '600000',
    ...input.env,
  };
  const child = spawn(process.execPath, [APP_ENTRY], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (!exited()) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killTimer);
    }
    sqlite?.close();
    await pool?.end();
    if (!input.cwd) await rm(cwd, { recursive: true, force: true });
  };
  const target = databaseTarget(env.DATABASE_URL ?? `sqlite:${DEFAULT_SQLITE_PATH}`);
  let sqlite: Database.Database | null = null;
  let pool: pg.Pool | null = null;
  // Busy: in flight, ready, or a follow-up waiting out its short delay; not a failed item waiting for its retry.
  const BUSY_SQL = 'SELECT count(*) AS n FROM queue_items WHERE running IS NOT NULL OR last_error IS NULL OR next_at_ms <= ';
  const query = async <R>(sql: string): Promise<R[]> => {
    if (target?.kind === 'postgres') {
      pool ??= new pg.Pool({ connectionString: target.url, max: 1 });
      return (await pool.query(sql)).rows as R[];
    }
    sqlite ??= new Database(resolve(cwd, target?.path ?? DEFAULT_SQLITE_PATH), { readonly: true, fileMustExist: true });
    return sqlite.prepare(sql).all() as R[];
  };
  const busyWork = async (): Promise<number> => Number((await query<{ n: number | string }>(`${BUSY_SQL}${Date.now()}`))[0]?.n ?? 0);
  const kill = async (signal: NodeJS.Signals): Promise<number | null> => {
    if (!exited()) {
      child.kill(signal);
      await exit;
    }
    return child.exitCode;
  };

  try {
    await waitFor(
      'GET /healthz to answer 200',
      async () => {
        if (exited()) throw new Error(`the app exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
        const response = await fetch(`${url}/healthz`).catch(() => null);
        return response?.status === 200;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\napp output:\n${output}`);
  }
  return { url, webhookSecret: input.webhookSecret, output: () => output, exited, busyWork, kill, query, stop };
}
