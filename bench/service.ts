/**
 * Service benchmark (`npm run bench:service`, also part of `npm run bench`): starts the real app process
 * (`node lib/main.js`, as `npm start`) against the GitHub and Jira simulators, sends it HMAC-signed webhooks
 * over HTTP, and measures what issue #8 asks; then the same against a naive strategy (bench/naive-app.ts:
 * inline in the webhook, one REST call per fact, write every time) and prints both with their ratio.
 *
 * The 200-PR burst runs at a scaled write budget (CHANGE_CONTROL_WRITES_PER_MINUTE=200: about a minute) unless
 * `--full` is given, which runs it at GitHub's real 80 a minute (about 4 minutes). `--ours-only` skips the naive run;
 * `--senders=N` sets the concurrent webhook senders (default 16).
 */
import type { World } from './bench-world.js';
import { startWorld } from './bench-world.js';
import {
  measureAccept,
  measureBurst,
  measureCalls,
  measureCoalescing,
  measureIdleLatency,
  type BurstFigures,
  type CallFigures,
} from './measure.js';

const full = process.argv.includes('--full');
const oursOnly = process.argv.includes('--ours-only');
const BURST_PER_MINUTE = full ? 80 : 200;
/** Concurrent senders of the acceptance test (GitHub's own delivery concurrency is not published). */
const SENDERS = Number(/--senders=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 16);

interface Figures {
  acceptPerSecond: number;
  acceptP99Ms: number;
  acceptFailed: string;
  idleP50Ms: number;
  idleP99Ms: number;
  burst: BurstFigures;
  first: CallFigures;
  unchanged: CallFigures;
  coalesced: { evaluations: number; writes: number; finalState: string; spreadMs: number };
  peakRssMb: number;
}

async function withWorld<T>(world: Promise<World>, use: (world: World) => Promise<T>): Promise<{ value: T; peak: number }> {
  const started = await world;
  try {
    const value = await use(started);
    return { value, peak: await started.peakRssBytes() };
  } finally {
    await started.stop();
  }
}

function log(message: string): void {
  console.error(`[bench] ${new Date().toISOString().slice(11, 19)} ${message}`);
}

async function measure(strategy: 'ours' | 'naive'): Promise<Figures> {
  const naive = strategy === 'naive';
  log(`${strategy}: accepting webhooks`);
  // The naive app handles each delivery inline: 100 of them keep it busy for minutes, so it gets fewer.
  const accept = await withWorld(startWorld(strategy), (w) => measureAccept(w, naive ? 100 : 2000, SENDERS));
  log(`${strategy}: idle latency, calls per evaluation, coalescing`);
  const steady = await withWorld(startWorld(strategy), async (w) => ({
    idle: await measureIdleLatency(w, naive ? 10 : 30),
    calls: await measureCalls(w),
    coalesced: await measureCoalescing(w),
  }));
  log(
    `${strategy}: burst of 200 PRs in 4 s (${naive ? "Probot's default throttling" : `${BURST_PER_MINUTE} writes/min per installation`})`,
  );
  // No margin here: the burst's minimum time is computed from BURST_PER_MINUTE (bench/write-burst.ts measures the margin).
  const env: Record<string, string> = naive
    ? {}
    : { CHANGE_CONTROL_WRITES_PER_MINUTE: String(BURST_PER_MINUTE), CHANGE_CONTROL_WRITE_MARGIN_PERCENT: '0' };
  const capSeconds = naive ? 120 : Math.floor((400 - 1) / BURST_PER_MINUTE) * 60 + 120;
  const burst = await withWorld(startWorld(strategy, env), (w) =>
    measureBurst(w, { prs: 200, withinMs: 4000, perMinute: BURST_PER_MINUTE, capSeconds }),
  );
  return {
    acceptPerSecond: accept.value.perSecond,
    acceptP99Ms: accept.value.p99Ms,
    acceptFailed: `${accept.value.failed}/${accept.value.sent} (${accept.value.timedOut} timed out)`,
    idleP50Ms: steady.value.idle.p50Ms,
    idleP99Ms: steady.value.idle.p99Ms,
    burst: burst.value,
    first: steady.value.calls.first,
    unchanged: steady.value.calls.unchanged,
    coalesced: steady.value.coalesced,
    peakRssMb: Math.max(accept.peak, steady.peak, burst.peak) / 1024 / 1024,
  };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ratio = (a: number, b: number) => (b === 0 || !Number.isFinite(a) || !Number.isFinite(b) ? 'n/a' : `${(a / b).toFixed(2)}×`);

function drain(b: BurstFigures): string {
  return b.drainSeconds === null ? `${b.verdicts}/${b.prs} verdicts after ${b.capSeconds} s` : `${fmt(b.drainSeconds)} s`;
}

function print(ours: Figures, naive: Figures | null): void {
  const rows: Array<[string, string, string, string, string]> = [];
  const add = (name: string, o: string, n: string, r: string, target: string) => rows.push([name, o, n, r, target]);
  const b = ours.burst;
  const withinTarget = b.drainSeconds !== null && b.drainSeconds <= b.minimumSeconds * 1.1 + 1;
  add(
    `webhooks/s accepted (${SENDERS} concurrent senders)`,
    fmt(ours.acceptPerSecond, 0),
    naive ? fmt(naive.acceptPerSecond, 1) : '-',
    naive ? ratio(ours.acceptPerSecond, naive.acceptPerSecond) : '-',
    `≥ 500 ${ours.acceptPerSecond >= 500 ? 'met' : 'MISSED'}`,
  );
  add(
    'p99 answer time (ms)',
    fmt(ours.acceptP99Ms),
    naive ? fmt(naive.acceptP99Ms, 0) : '-',
    naive ? ratio(ours.acceptP99Ms, naive.acceptP99Ms) : '-',
    `< 50 ${ours.acceptP99Ms < 50 ? 'met' : 'MISSED'}`,
  );
  add('deliveries failed or > 10 s', ours.acceptFailed, naive?.acceptFailed ?? '-', '-', '0');
  add(
    'idle webhook→status p50 (ms)',
    fmt(ours.idleP50Ms),
    naive ? fmt(naive.idleP50Ms, 0) : '-',
    naive ? ratio(ours.idleP50Ms, naive.idleP50Ms) : '-',
    `< 100 ${ours.idleP50Ms < 100 ? 'met' : 'MISSED'}`,
  );
  add(
    'idle webhook→status p99 (ms)',
    fmt(ours.idleP99Ms),
    naive ? fmt(naive.idleP99Ms, 0) : '-',
    naive ? ratio(ours.idleP99Ms, naive.idleP99Ms) : '-',
    '',
  );
  add(
    `burst 200 PRs/4 s: all verdicts (${b.perMinute} writes/min)`,
    drain(b),
    naive ? drain(naive.burst) : '-',
    '-',
    `≤ ${fmt(b.minimumSeconds * 1.1, 0)} s (budget minimum ${b.minimumSeconds} s + 10 %) ${withinTarget ? 'met' : 'MISSED'}`,
  );
  add(
    'burst: writes per PR',
    fmt(b.writesPerPr, 2),
    naive ? fmt(naive.burst.writesPerPr, 2) : '-',
    '-',
    `≤ 2 ${b.writesPerPr <= 2 ? 'met' : 'MISSED'}`,
  );
  add('burst: verdicts not success (all PRs ready)', String(b.wrongVerdicts), naive ? String(naive.burst.wrongVerdicts) : '-', '-', '0');
  const calls = (c: CallFigures) => `${c.reads} reads, ${c.writes} writes (+${c.tokens} token)`;
  add(
    'first evaluation: GitHub requests',
    calls(ours.first),
    naive ? calls(naive.first) : '-',
    naive ? ratio(ours.first.reads + ours.first.writes, naive.first.reads + naive.first.writes) : '-',
    `≤ 2 reads, ≤ 2 writes ${ours.first.reads <= 2 && ours.first.writes <= 2 ? 'met' : 'MISSED'}`,
  );
  add(
    'unchanged re-evaluation: GitHub requests',
    calls(ours.unchanged),
    naive ? calls(naive.unchanged) : '-',
    naive ? ratio(ours.unchanged.reads + ours.unchanged.writes, naive.unchanged.reads + naive.unchanged.writes) : '-',
    `≤ 2 reads, 0 writes ${ours.unchanged.reads <= 2 && ours.unchanged.writes === 0 ? 'met' : 'MISSED'}`,
  );
  const co = (c: Figures['coalesced']) =>
    `${c.evaluations} evaluations, ${c.writes} writes, final ${c.finalState} (answered within ${fmt(c.spreadMs, 0)} ms)`;
  add(
    '30 check_run events for one PR',
    co(ours.coalesced),
    naive ? co(naive.coalesced) : '-',
    naive ? ratio(ours.coalesced.evaluations, naive.coalesced.evaluations) : '-',
    `≤ 2 evaluations ${ours.coalesced.evaluations <= 2 ? 'met' : 'MISSED'}`,
  );
  add(
    'peak RSS of the app process (MB)',
    fmt(ours.peakRssMb, 0),
    naive ? fmt(naive.peakRssMb, 0) : '-',
    naive ? ratio(ours.peakRssMb, naive.peakRssMb) : '-',
    `< 200 ${ours.peakRssMb < 200 ? 'met' : 'MISSED'}`,
  );
  const header: [string, string, string, string, string] = ['measure', 'change-control', 'naive', 'ours/naive', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `\nService benchmark (${full ? 'burst at the real budget, 80 writes/min' : `burst at a scaled budget of ${BURST_PER_MINUTE} writes/min; --full for 80/min`}), node ${process.version}, 2-core machine\n`,
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

const ours = await measure('ours');
const naive = oursOnly ? null : await measure('naive');
print(ours, naive);
