import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../test/e2e/harness/build-app.js';
import { STANDARD_POLICY } from '../test/e2e/harness/start-e2e.js';
import { freePort, generateAppKey, startApp, type RunningApp } from '../test/e2e/harness/start-app.js';
import { waitFor } from '../test/e2e/harness/wait.js';
import type { PullTarget } from '../test/e2e/harness/webhooks.js';
import { CONFIG_PATH } from '../src/github/queries.js';
import { startSimulators, type GitHubSimulator, type JiraSimulator } from '../test/simulators/index.js';

export type Strategy = 'ours' | 'naive';

/** One app process (ours or the naive one) against its own GitHub and Jira simulators. */
export interface World {
  strategy: Strategy;
  github: GitHubSimulator;
  jira: JiraSimulator;
  url: string;
  /** Every replica's URL (the first is `url`): one unless `replicas` asked for more. */
  urls: string[];
  secret: string;
  /** A repository with the standard policy, under a new installation (GitHub's write budget is per installation). */
  newRepo(): { owner: string; repo: string; installationId: number };
  /** A PR whose three controls pass (ticket CHG-1 Approved, bob's approval, `build` green). */
  openReadyPr(repo: { owner: string; repo: string; installationId: number }): PullTarget;
  /** Work the app has queued that is ready or in flight (0 for the naive app, which has no queue). */
  busyWork(): Promise<number>;
  /** The app process's peak resident memory (VmHWM), bytes. */
  peakRssBytes(): Promise<number>;
  stop(): Promise<void>;
}

const APP_ID = 4242;
const OWNER = 'acme';

async function vmHwm(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1] ?? 0) * 1024;
}

async function peakFromMetrics(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^change_control_process_peak_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Starts the naive Probot app (bench/naive-app.ts) through tsx, as `probot run` would, and waits for `/ping`. */
async function startNaive(env: Record<string, string>): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const cwd = await mkdtemp(join(tmpdir(), 'change-control-naive-'));
  const port = await freePort();
  const entry = fileURLToPath(new URL('./naive-main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry], {
    cwd,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-5000)));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the naive app to answer /ping',
    async () => {
      if (child.exitCode !== null) throw new Error(`the naive app exited: ${errors}`);
      return (await fetch(`${url}/ping`).catch(() => null))?.status === 200;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGKILL');
      await exit;
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

export async function startWorld(
  strategy: Strategy,
  env: Record<string, string> = {},
  simulator: { secondaryLimit?: { perMinute: number } } = {},
  /** More processes of ours on the same store (give them a DATABASE_URL they can share). */
  replicas = 1,
): Promise<World> {
  if (strategy === 'ours') await buildApp();
  const key = generateAppKey();
  const sims = await startSimulators({ github: { app: { id: APP_ID, slug: 'change-control', publicKey: key.publicKey }, ...simulator } });
  const { github, jira } = sims;
  jira.addIssue({ key: 'CHG-1', status: 'Approved', summary: 'Rotate TLS certificates' });
  const credentials = jira.credentials.cloud!;
  const secret = randomBytes(16).toString('hex');
  const common = {
    appId: APP_ID,
    privateKey: key.privateKey,
    webhookSecret: secret,
    githubHost: github.host,
    jira: { baseUrl: jira.url, email: credentials.email, apiToken: credentials.apiToken },
  };
  let url: string;
  let urls: string[];
  let peak: () => Promise<number>;
  let stopApp: () => Promise<void>;
  let busyWork: () => Promise<number> = async () => 0;
  if (strategy === 'ours') {
    const apps: RunningApp[] = [];
    for (let i = 0; i < replicas; i++)
      apps.push(await startApp({ ...common, env: { LOG_LEVEL: 'error', CHANGE_CONTROL_RETRY_BASE_MS: '5000', ...env } }));
    const app = apps[0]!;
    url = app.url;
    urls = apps.map((a) => a.url);
    peak = () => peakFromMetrics(app.url);
    busyWork = () => app.busyWork();
    stopApp = async () => {
      for (const a of apps) await a.stop();
    };
  } else {
    const naive = await startNaive({
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      HOST: '127.0.0.1',
      APP_ID: String(APP_ID),
      PRIVATE_KEY: key.privateKey,
      WEBHOOK_SECRET: secret,
      GHE_HOST: github.host,
      GHE_PROTOCOL: 'http',
      JIRA_BASE_URL: common.jira.baseUrl,
      JIRA_EMAIL: credentials.email,
      JIRA_API_TOKEN: credentials.apiToken,
      ...env,
    });
    url = naive.url;
    urls = [url];
    peak = () => vmHwm(naive.pid);
    stopApp = naive.stop;
  }
  let repos = 0;
  return {
    strategy,
    github,
    jira,
    url,
    urls,
    secret,
    newRepo() {
      repos += 1;
      const target = { owner: OWNER, repo: `service-${repos}`, installationId: 100 + repos };
      github.addRepository({ ...target, files: { 'README.md': '# service\n', [CONFIG_PATH]: STANDARD_POLICY } });
      return target;
    },
    openReadyPr(repo) {
      const pr = github.openPullRequest({
        ...repo,
        title: 'CHG-1: rotate the TLS certificates',
        body: 'Rotates the certificates.',
        author: 'alice',
        headRef: `rotate-${randomBytes(3).toString('hex')}`,
      });
      const target = { github, ...repo, number: pr.number };
      github.addReview({ ...target, reviewer: 'bob' });
      github.addCheckRun({ ...target, sha: github.pullRequest(target).headSha, name: 'build', conclusion: 'success' });
      return target;
    },
    busyWork: () => busyWork(),
    peakRssBytes: peak,
    async stop() {
      await stopApp();
      await sims.stop();
    },
  };
}
