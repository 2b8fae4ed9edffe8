import { spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './build-app.js';
import { waitFor } from './wait.js';

/** Probot's own bin, started with node directly: killing `npx` can leave its node child running (SETUP-NOTES). */
const PROBOT_BIN = join(REPO_ROOT, 'node_modules', 'probot', 'bin', 'probot.js');
const APP_ENTRY = join(REPO_ROOT, 'lib', 'index.js');

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
}

/**
 * Starts the app as `npm start` does (`probot run ./lib/index.js`), in an empty temporary working directory so no
 * `.env` is read, with a clean environment, and waits until `GET /healthz` answers 200.
 */
export async function startApp(input: StartAppInput): Promise<RunningApp> {
  const cwd = await mkdtemp(join(tmpdir(), 'change-control-e2e-'));
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
    ...input.env,
  };
  const child = spawn(process.execPath, [PROBOT_BIN, 'run', APP_ENTRY], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    await rm(cwd, { recursive: true, force: true });
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
  return { url, webhookSecret: input.webhookSecret, output: () => output, exited, stop };
}
