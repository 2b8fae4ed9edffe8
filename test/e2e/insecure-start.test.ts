import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp, REPO_ROOT } from './harness/build-app.js';
import { freePort, generateAppKey } from './harness/start-app.js';

/** `NODE_ENV=production` with a missing, public or short webhook secret: the real process refuses to start. */

interface Outcome {
  code: number | null;
  output: string;
  /** Whether anything answered on the port while the process ran. */
  answered: boolean;
  /** Files the process left in its working directory (a store it opened). */
  files: string[];
}

async function start(env: Record<string, string>): Promise<Outcome> {
  const cwd = await mkdtemp(join(tmpdir(), 'change-control-insecure-'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'lib', 'main.js')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_ID: '4242',
      PRIVATE_KEY: generateAppKey().privateKey,
      GHE_HOST: '127.0.0.1:9',
      GHE_PROTOCOL: 'http',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let answered = false;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const probe = setInterval(() => {
    void fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => (answered = true),
      () => undefined,
    );
  }, 50);
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exit;
  clearInterval(probe);
  clearTimeout(killer);
  const files = await readdir(cwd);
  await rm(cwd, { recursive: true, force: true });
  return { code, output, answered, files };
}

describe('start in production', () => {
  beforeAll(() => buildApp(), 180_000);

  it.each<{ case: string; env: Record<string, string>; says: string }>([
    { case: 'without WEBHOOK_SECRET', env: {}, says: 'WEBHOOK_SECRET is not set' },
    { case: 'with WEBHOOK_SECRET=development', env: { WEBHOOK_SECRET: 'development' }, says: 'WEBHOOK_SECRET is "development"' },
    {
      case: 'with a 15-character WEBHOOK_SECRET',
      env: { WEBHOOK_SECRET: 'fifteen-chars-x' },
      says: 'WEBHOOK_SECRET has 15 characters; use at least 16',
    },
    {
      case: 'with the Jira route on and a short JIRA_WEBHOOK_SECRET',
      env: { WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters', JIRA_WEBHOOK_SECRET: 'jira-secret' },
      says: 'JIRA_WEBHOOK_SECRET has 11 characters',
    },
    {
      case: 'with the Jira route on and JIRA_WEBHOOK_SECRET=development',
      env: { WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters', JIRA_WEBHOOK_SECRET: 'development' },
      says: 'JIRA_WEBHOOK_SECRET is "development"',
    },
    {
      case: 'with the ServiceNow route on and a short SERVICENOW_WEBHOOK_SECRET',
      env: { WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters', SERVICENOW_WEBHOOK_SECRET: 'snow-secret' },
      says: 'SERVICENOW_WEBHOOK_SECRET has 11 characters',
    },
  ])('refuses $case: exit 1, the reason, never a listening server or a store', async ({ env, says }) => {
    const outcome = await start(env);

    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain('change-control refuses to start');
    expect(outcome.output).toContain(says);
    expect(outcome.answered).toBe(false);
    expect(outcome.files).toEqual([]);
    // The message names the variable, never its value.
    for (const value of Object.values(env)) if (value !== 'development') expect(outcome.output).not.toContain(value);
  });

  it('starts with a 16-character secret (and stops on SIGTERM)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'change-control-secure-'));
    const port = await freePort();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'lib', 'main.js')], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        APP_ID: '4242',
        PRIVATE_KEY: generateAppKey().privateKey,
        WEBHOOK_SECRET: 'sixteen-chars-ok',
        DATABASE_URL: 'sqlite::memory:',
        GHE_HOST: '127.0.0.1:9',
        GHE_PROTOCOL: 'http',
      },
      stdio: 'ignore',
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    await rm(cwd, { recursive: true, force: true });
    expect(status).toBe(200);
  });
});
