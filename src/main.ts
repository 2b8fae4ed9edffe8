#!/usr/bin/env node
import { getPrivateKey } from '@probot/get-private-key';
import { run } from 'probot';
import { readGitHubClientEnv } from './github/read-github-client-env.js';
import { createChangeControlOctokit } from './github/change-control-octokit.js';
import { createSharedWriteBudget, createWriteBudget } from './github/write-budget.js';
import { createApp, type StartedApp } from './index.js';
import { checkProductionSecrets } from './server/check-production-secrets.js';
import { createLogger } from './server/create-logger.js';
import { startServer } from './server/start-server.js';
import { readAuditEnv } from './store/open-audit-store.js';
import { openWriteSendLog } from './store/open-write-send-log.js';

/**
 * The server entry (`npm start`): refuses to run in production with a missing or weak webhook secret, then our
 * server (request guard before Probot's routes, docs/security.md) with our Octokit (GitHub's write limits per
 * installation, reads unspaced), a logger that redacts credentials, and a graceful shutdown. Without APP_ID or
 * a private key (outside production), Probot's `run` serves its setup page as before.
 */
const refusals = checkProductionSecrets(process.env);
if (refusals.length > 0) {
  for (const reason of refusals) console.error(`change-control refuses to start: ${reason}`);
  process.exit(1);
}
let started: StartedApp | null = null;
const github = readGitHubClientEnv(process.env);
// On PostgreSQL the write budget is one for all replicas (docs/operations.md, replicas); on SQLite it is this process's.
const sendLog = openWriteSendLog(readAuditEnv(process.env));
const budget = sendLog ? createSharedWriteBudget(github.budget, sendLog.log) : createWriteBudget(github.budget);
const octokit = createChangeControlOctokit({ budget, timeoutMs: github.timeoutMs });
const log = await createLogger(process.env);
const app = createApp(undefined, { onStart: (startedApp) => (started = startedApp) });
const before = new Set(process.listeners('SIGINT'));
const server =
  process.env.APP_ID && privateKeyGiven()
    ? await startServer({ app, log, Octokit: octokit, env: process.env })
    : await run(app, { Octokit: octokit, log });
// run() stops the server and exits at once on SIGINT; ours finishes the work in flight first.
for (const listener of process.listeners('SIGINT')) if (!before.has(listener)) process.off('SIGINT', listener);

function privateKeyGiven(): boolean {
  try {
    return getPrivateKey({ env: process.env }) !== null;
  } catch {
    return false; // an unreadable key: run() reports it as Probot always did
  }
}

let stopping = false;
/**
 * SIGTERM/SIGINT: refuse new webhooks (503: GitHub or the load balancer sends them again), stop claiming,
 * let evaluations in flight finish within the grace period (else release them to another replica), stop
 * the HTTP server, close the store, exit 0. Queued work stays in the store for the next process.
 */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const app = started;
  if (!app) process.exit(0);
  const log = app.log.child({ name: 'shutdown' });
  log.info({ signal }, 'shutting down: refusing webhooks, finishing work in flight');
  app.gate.close();
  try {
    await app.worker.stop();
    await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await app.deps.audit.close();
    await sendLog?.close();
    log.info('stopped');
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.once('SIGTERM', (signal) => void shutdown(signal));
process.once('SIGINT', (signal) => void shutdown(signal));
