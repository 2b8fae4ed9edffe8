import { waitFor, waitForQuiet } from '../test/e2e/harness/wait.js';
import { checkRunEvent, pullRequestEvent, type PullTarget } from '../test/e2e/harness/webhooks.js';
import { ACTIONS_APP, type GitHubRequest } from '../test/simulators/index.js';
import type { World } from './bench-world.js';
import { post, sendConcurrently, signAll } from './send-webhooks.js';
import { percentile, sleep } from './stats.js';

const statusPath = (pr: PullTarget, sha: string) => `/api/v3/repos/${pr.owner}/${pr.repo}/statuses/${sha}`;

/** When the simulator received the app's first status POST on the PR's head after `since` (epoch ms), or null. */
function statusAt(world: World, pr: PullTarget, since: number, log: GitHubRequest[] = world.github.requests()): number | null {
  const path = statusPath(pr, world.github.pullRequest(pr).headSha);
  return log.find((r) => r.seq > since && r.method === 'POST' && r.path === path && r.status === 201)?.at ?? null;
}

const isWrite = (r: GitHubRequest) => r.kind === 'rest' && r.method !== 'GET';

export interface AcceptFigures {
  sent: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx, and deliveries GitHub would have given up on (no answer within 10 s). */
  failed: number;
  timedOut: number;
}

/** `count` signed `pull_request.synchronize` deliveries for 20 PRs from `concurrency` senders at once. */
export async function measureAccept(world: World, count: number, concurrency: number): Promise<AcceptFigures> {
  const repo = world.newRepo();
  const prs = Array.from({ length: 20 }, () => world.openReadyPr(repo));
  const deliveries = signAll(
    world.secret,
    Array.from({ length: count }, (_, i) => ({ event: 'pull_request', payload: pullRequestEvent(prs[i % prs.length]!, 'synchronize') })),
  );
  const started = performance.now();
  const answers = await sendConcurrently(world.url, deliveries, concurrency);
  const seconds = (performance.now() - started) / 1000;
  const ok = answers.filter((a) => typeof a.status === 'number' && a.status >= 200 && a.status < 300);
  return {
    sent: count,
    perSecond: ok.length / seconds,
    p50Ms: percentile(
      answers.map((a) => a.ms),
      50,
    ),
    p99Ms: percentile(
      answers.map((a) => a.ms),
      99,
    ),
    failed: answers.length - ok.length,
    timedOut: answers.filter((a) => a.status === 'timeout').length,
  };
}

/** One PR at a time on an idle app: time from sending `pull_request.opened` to the simulator receiving our status. */
export async function measureIdleLatency(world: World, runs: number): Promise<{ p50Ms: number; p99Ms: number }> {
  const repo = world.newRepo();
  // A first evaluation fetches the installation token: warm up so the figures are the steady state.
  const warm = world.openReadyPr(repo);
  await deliverAndWaitForStatus(world, warm);
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) latencies.push(await deliverAndWaitForStatus(world, world.openReadyPr(repo)));
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

async function deliverAndWaitForStatus(world: World, pr: PullTarget): Promise<number> {
  const [delivery] = signAll(world.secret, [{ event: 'pull_request', payload: pullRequestEvent(pr, 'opened') }]);
  const since = world.github.mark();
  const sentAt = Date.now();
  void post(world.url, delivery!, 60_000);
  for (let waited = 0; waited < 60_000; waited += 1) {
    const at = statusAt(world, pr, since);
    if (at !== null) return at - sentAt;
    await sleep(1);
  }
  throw new Error(`no status for ${pr.repo}#${pr.number} within 60 s`);
}

export interface BurstFigures {
  prs: number;
  /** Seconds from the first delivery until the last PR got its status; null when not all did within the cap. */
  drainSeconds: number | null;
  verdicts: number;
  capSeconds: number;
  writesPerPr: number;
  /** The least time GitHub's write budget allows for these writes (a sliding minute window, the first window full at once). */
  minimumSeconds: number;
  perMinute: number;
  wrongVerdicts: number;
  /** The most content-creating requests the simulator received in any 60 s (inclusive), as GitHub counts them. */
  maxWritesIn60s: number;
}

/** The most of `times` (epoch ms) in any window of `windowMs`, both ends included. */
export function mostInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! > windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * `prs` PRs opened within `withinMs`, in one installation, delivered to the world's replicas in turn; waits up to
 * `capSeconds` for every verdict.
 */
export async function measureBurst(
  world: World,
  input: { prs: number; withinMs: number; perMinute: number; capSeconds: number },
): Promise<BurstFigures> {
  const repo = world.newRepo();
  const prs = Array.from({ length: input.prs }, () => world.openReadyPr(repo));
  const deliveries = signAll(
    world.secret,
    prs.map((pr) => ({ event: 'pull_request', payload: pullRequestEvent(pr, 'opened') })),
  );
  const since = world.github.mark();
  const started = Date.now();
  const gap = input.withinMs / input.prs;
  for (const [i, delivery] of deliveries.entries()) {
    void post(world.urls[i % world.urls.length]!, delivery, 600_000);
    await sleep(gap);
  }
  let verdicts = 0;
  let last = 0;
  while (Date.now() - started < input.capSeconds * 1000) {
    const log = world.github.requests();
    const times = prs.map((pr) => statusAt(world, pr, since, log));
    verdicts = times.filter((t) => t !== null).length;
    last = Math.max(0, ...times.map((t) => t ?? 0));
    if (verdicts === prs.length) break;
    await sleep(250);
  }
  const writeLog = world.github.requests().filter((r) => r.seq > since && isWrite(r));
  const writes = writeLog.length;
  const needed = 2 * input.prs;
  const wrongVerdicts = prs.filter((pr) => {
    const status = world.github.statuses({ ...pr, sha: world.github.pullRequest(pr).headSha, context: 'change-control' }).at(-1);
    return status !== undefined && status.state !== 'success';
  }).length;
  return {
    prs: input.prs,
    drainSeconds: verdicts === prs.length ? (last - started) / 1000 : null,
    verdicts,
    capSeconds: input.capSeconds,
    writesPerPr: writes / input.prs,
    minimumSeconds: Math.floor((needed - 1) / input.perMinute) * 60,
    perMinute: input.perMinute,
    wrongVerdicts,
    maxWritesIn60s: mostInWindow(
      writeLog.map((r) => r.at),
      60_000,
    ),
  };
}

export interface CallFigures {
  reads: number;
  writes: number;
  tokens: number;
}

/** The app's queue has nothing ready or in flight, and neither simulator heard from it for 1.5 s. */
async function quiet(world: World): Promise<void> {
  await waitFor('the app to finish its queued work', async () => (await world.busyWork()) === 0, { timeoutMs: 120_000 });
  await waitForQuiet([world.github, world.jira], { quietMs: 1500, timeoutMs: 120_000 });
}

function countSince(world: World, since: number): CallFigures {
  const counts = world.github.callCounts(since);
  return { reads: counts.graphqlQueries + counts.restReads + counts.appRequests, writes: counts.restWrites, tokens: counts.tokenRequests };
}

/** GitHub requests for a first evaluation of a ready PR, then for the same event again (nothing changed). */
export async function measureCalls(world: World): Promise<{ first: CallFigures; unchanged: CallFigures }> {
  // Writes still queued from an earlier measurement would be counted here otherwise.
  await quiet(world);
  const pr = world.openReadyPr(world.newRepo());
  const payload = pullRequestEvent(pr, 'opened');
  const firstMark = world.github.mark();
  await post(world.url, signAll(world.secret, [{ event: 'pull_request', payload }])[0]!, 60_000);
  await quiet(world);
  const first = countSince(world, firstMark);
  const againMark = world.github.mark();
  await post(world.url, signAll(world.secret, [{ event: 'pull_request', payload }])[0]!, 60_000);
  await quiet(world);
  return { first, unchanged: countSince(world, againMark) };
}

/** 30 `check_run.completed` deliveries for one evaluated PR at once: how many evaluations they cost, and the final verdict. */
export async function measureCoalescing(
  world: World,
): Promise<{ events: number; evaluations: number; writes: number; finalState: string; spreadMs: number }> {
  const pr = world.openReadyPr(world.newRepo());
  await deliverAndWaitForStatus(world, pr);
  await quiet(world);
  const { headSha } = world.github.pullRequest(pr);
  const run = world.github.checkRuns({ ...pr, sha: headSha }).find((r) => r.name === 'build')!;
  const payload = checkRunEvent(pr, 'completed', {
    id: run.id,
    name: 'build',
    appId: ACTIONS_APP.id,
    status: 'completed',
    conclusion: 'success',
  });
  const since = world.github.mark();
  const deliveries = signAll(
    world.secret,
    Array.from({ length: 30 }, () => ({ event: 'check_run', payload })),
  );
  const sentAt = performance.now();
  const answers = await Promise.all(deliveries.map((d) => post(world.url, d, 600_000).then(() => performance.now() - sentAt)));
  await quiet(world);
  const after = world.github.requests().filter((r) => r.seq > since);
  // One evaluation is one read of the PR: our facts query, or the naive app's GET of the pull request.
  const evaluations = after.filter(
    (r) => r.operationName === 'ChangeControlFacts' || (r.method === 'GET' && /\/pulls\/\d+$/.test(r.path)),
  ).length;
  const finalState = world.github.statuses({ ...pr, sha: headSha, context: 'change-control' }).at(-1)?.state ?? 'none';
  // How long the 30 deliveries took to be answered: events arriving over a longer span than one evaluation
  // can leave a second follow-up after the first one started.
  return { events: 30, evaluations, writes: after.filter(isWrite).length, finalState, spreadMs: Math.max(...answers) };
}
