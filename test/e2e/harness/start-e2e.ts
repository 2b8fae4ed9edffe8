import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_PATH } from '../../../src/github/queries.js';
import { startSimulators, type Simulators } from '../../simulators/index.js';
import type { CommitInput } from '../../simulators/github/state.js';
import type { SimCheckRun, SimStatus } from '../../simulators/github/model.js';
import { buildApp } from './build-app.js';
import { generateAppKey, startApp, type RunningApp } from './start-app.js';
import { waitFor, waitForQuiet } from './wait.js';
import { deliver, pullRequestEvent, type Delivery, type PullTarget } from './webhooks.js';

export { CONFIG_PATH };
export const OWNER = 'acme';
export const APP_ID = 4242;

/** The policy most tests use: a CHG ticket in Approved, one independent approval, `build` green. */
export const STANDARD_POLICY = ['ticket:', '  projects: [CHG]', 'approval:', '  count: 1', 'checks:', '  required: [build]', ''].join('\n');

export interface RepoTarget {
  owner: string;
  repo: string;
  installationId: number;
}

export interface ReadyInput {
  ticket?: string;
  ticketStatus?: string | null;
  reviewer?: string | null;
  build?: 'success' | 'failure' | null;
}

export interface Verdict {
  status: SimStatus;
  /** Our latest check run on the commit; undefined when the app wrote only a status (e.g. GitHub unreadable). */
  checkRun: SimCheckRun | undefined;
}

export interface E2E {
  sims: Simulators;
  github: Simulators['github'];
  jira: Simulators['jira'];
  app: RunningApp;
  /** The app's private key (PEM), to check that it never reaches a log. */
  appPrivateKey: string;
  /** The app's working directory (its default SQLite store is `data/change-control.db` under it). */
  cwd: string;
  /** A repository with the policy on its default branch (null: none), under a new installation (so a fresh token). */
  newRepo(input?: { policy?: string | null; files?: Record<string, string> }): RepoTarget;
  /** Opens a PR by alice whose title names `ticket`; returns it as a webhook target. */
  openPullRequest(
    repo: RepoTarget,
    input?: { ticket?: string; author?: string; commits?: CommitInput[]; title?: string; body?: string; headRef?: string },
  ): PullTarget;
  /**
   * Arranges the facts of the three controls; by default all pass: CHG-1 Approved in Jira, bob's approval on the
   * head, `build` green. `null` leaves that fact out.
   */
  makeReady(target: PullTarget, input?: ReadyInput): void;
  /** Delivers a signed webhook; `deliveryId` repeats an earlier delivery (a redelivery). */
  send(event: string, payload: unknown, deliveryId?: string): Promise<Delivery>;
  /** Waits for a `change-control` status written on `sha` after `since` (a `github.mark()`); then returns the verdict. */
  verdict(target: PullTarget, sha: string, since: number): Promise<Verdict>;
  /**
   * Delivers an event (default: `pull_request.opened` for the PR), expects the app to accept it (200, or 202 when
   * it takes longer than the webhook timeout), and waits for the
   * verdict it writes on the PR's current head.
   */
  evaluate(target: PullTarget, input?: { event?: string; payload?: unknown }): Promise<Verdict & { headSha: string; delivery: Delivery }>;
  /** Waits until the app's queue has no work ready or in flight. */
  idle(): Promise<void>;
  /** Waits until the app's queue is idle and neither simulator has heard from the app for a while. */
  quiet(): Promise<void>;
  /**
   * Another app process with the same credentials, environment and working directory (so the same SQLite store
   * unless DATABASE_URL names another): a second replica, or the app after a restart.
   */
  startAnother(env?: Record<string, string>): Promise<RunningApp>;
  /** Ends the app process with `signal` (SIGKILL: it dies mid-work) and starts a new one on the same store. */
  restart(signal: NodeJS.Signals): Promise<{ exitCode: number | null }>;
  reset(): void;
  stop(): Promise<void>;
}

/** Builds the app, starts both simulators and the app process wired to them. */
export async function startE2E(options: { env?: Record<string, string> } = {}): Promise<E2E> {
  await buildApp();
  const key = generateAppKey();
  const sims = await startSimulators({ github: { app: { id: APP_ID, slug: 'change-control', publicKey: key.publicKey } } });
  const { github, jira } = sims;
  const credentials = jira.credentials.cloud!;
  const cwd = await mkdtemp(join(tmpdir(), 'change-control-e2e-'));
  const appInput = {
    appId: APP_ID,
    privateKey: key.privateKey,
    webhookSecret: randomBytes(16).toString('hex'),
    githubHost: github.host,
    jira: { baseUrl: jira.url, email: credentials.email, apiToken: credentials.apiToken },
    env: options.env,
    cwd,
  };
  const others: RunningApp[] = [];
  let app: RunningApp;
  try {
    app = await startApp(appInput);
  } catch (error) {
    await sims.stop();
    await rm(cwd, { recursive: true, force: true });
    throw error;
  }
  let repos = 0;

  const e2e: E2E = {
    sims,
    github,
    jira,
    app,
    appPrivateKey: key.privateKey,
    cwd,
    newRepo(input = {}) {
      repos += 1;
      const target = { owner: OWNER, repo: `service-${repos}`, installationId: 100 + repos };
      const policy = input.policy === undefined ? STANDARD_POLICY : input.policy;
      github.addRepository({
        ...target,
        files: { 'README.md': '# service\n', ...(policy === null ? {} : { [CONFIG_PATH]: policy }), ...input.files },
      });
      return target;
    },
    openPullRequest(repo, input = {}) {
      const ticket = input.ticket ?? 'CHG-1';
      const pr = github.openPullRequest({
        owner: repo.owner,
        repo: repo.repo,
        title: input.title ?? `${ticket}: rotate the TLS certificates`,
        body: input.body ?? 'Rotates the certificates before they expire.',
        author: input.author ?? 'alice',
        headRef: input.headRef ?? 'rotate-certs',
        commits: input.commits,
      });
      return { github, ...repo, number: pr.number };
    },
    makeReady(target, input = {}) {
      const { ticket = 'CHG-1', ticketStatus = 'Approved', reviewer = 'bob', build = 'success' } = input;
      if (ticketStatus !== null) jira.addIssue({ key: ticket, status: ticketStatus, summary: 'Rotate TLS certificates' });
      const { headSha } = github.pullRequest(target);
      if (reviewer !== null) github.addReview({ ...target, reviewer });
      if (build !== null) github.addCheckRun({ ...target, sha: headSha, name: 'build', conclusion: build });
    },
    send: (event, payload, deliveryId) => deliver({ appUrl: app.url, secret: app.webhookSecret, event, payload, deliveryId }),
    async verdict(target, sha, since) {
      const path = `/api/v3/repos/${target.owner}/${target.repo}/statuses/${sha}`;
      await waitFor(
        `a change-control status on ${sha.slice(0, 7)}`,
        () => github.requests().some((r) => r.seq > since && r.method === 'POST' && r.path === path && r.status !== null),
        { timeoutMs: 30_000 },
      );
      // The status is the last GitHub write; the audit record follows it: wait for the work to finish.
      await e2e.idle();
      const status = github.statuses({ ...target, sha, context: 'change-control' }).at(-1);
      if (!status) throw new Error(`the app's status on ${sha} was refused: ${JSON.stringify(github.unexpectedRequests())}`);
      return { status, checkRun: github.checkRuns({ ...target, sha, ours: true }).at(-1) };
    },
    async evaluate(target, input = {}) {
      const { headSha } = github.pullRequest(target);
      const payload = input.payload ?? pullRequestEvent(target, 'opened');
      const mark = github.mark();
      const delivery = await e2e.send(input.event ?? 'pull_request', payload);
      // 202 is @octokit/webhooks answering "still processing" after 9 s (GitHub gives up after 10 s); the work goes on.
      if (delivery.status !== 200 && delivery.status !== 202)
        throw new Error(`the app answered the webhook with ${delivery.status}: ${delivery.body}`);
      return { headSha, delivery, ...(await e2e.verdict(target, headSha, mark)) };
    },
    async idle() {
      await waitFor("the app's queue to have no work ready or in flight", async () => (await app.busyWork()) === 0, { timeoutMs: 60_000 });
    },
    async quiet() {
      await e2e.idle();
      await waitForQuiet([github, jira]);
    },
    async startAnother(env) {
      const another = await startApp({ ...appInput, env: { ...options.env, ...env } });
      others.push(another);
      return another;
    },
    async restart(signal) {
      const exitCode = await app.kill(signal);
      await app.stop();
      app = await startApp(appInput);
      e2e.app = app;
      return { exitCode };
    },
    reset: () => sims.reset(),
    async stop() {
      for (const other of others) await other.stop();
      await app.stop();
      await sims.stop();
      await rm(cwd, { recursive: true, force: true });
    },
  };
  return e2e;
}
