/**
 * Dashboard benchmark: a SQLite audit store (temp file) with BENCH_DASHBOARD_N entries (default 200,000) over a
 * year in 20 repositories (90 % verdicts, 9.5 % merges, the rest bypasses and emergency changes), then the time
 * of what each page reads and computes: the posture of 13 weeks, one page of changes of one repository, a change's
 * evidence with the chain verified up to it, and the CSV export of the 13 weeks. Run with `npm run bench:dashboard`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewAuditEntry } from '../src/audit/audit-entry.js';
import { createSqliteAuditStore } from '../src/store/sqlite-store.js';
import { buildExportRows, formatExport } from '../src/report/build-export.js';
import { parseChangeFilter } from '../src/report/change-filter.js';
import { computePosture } from '../src/report/compute-posture.js';
import { readChanges, readChangeTimeline } from '../src/report/read-changes.js';
import { chainChecker } from '../src/web/dashboard/chain-checker.js';

const TOTAL = Number(process.env.BENCH_DASHBOARD_N ?? 200_000);
const BATCH = 1_000;
const START = Date.UTC(2025, 0, 1);
const STEP_MS = Math.floor((365 * 86_400_000) / TOTAL);
const NOW = new Date(START + 366 * 86_400_000);

function mergeData(index: number, repo: string, prNumber: number, bypass: boolean): Record<string, unknown> {
  const head = index.toString(16).padStart(40, '0');
  return {
    pr: { number: prNumber, title: `PAY-${prNumber} change ${index}`, url: `https://github.com/${repo}/pull/${prNumber}`, author: 'alice' },
    baseRef: 'main',
    headSha: head,
    mergeSha: head.replace(/^0/, 'f'),
    mergedBy: 'bob',
    mergedAt: new Date(START + index * STEP_MS).toISOString(),
    gate: { state: bypass ? 'pending' : 'success', description: bypass ? 'Waiting for 1 approval' : 'All controls pass', seq: null },
    atMerge: { state: bypass ? 'pending' : 'success', description: 'at merge' },
    ticket: { key: `PAY-${prNumber}`, status: 'Approved', url: null, approver: null },
    approvers: bypass ? [] : [{ login: 'dave', commitSha: head, submittedAt: '2025-01-01T10:00:00Z' }],
    checks: [{ name: 'build', state: 'success', raw: 'SUCCESS' }],
    exceptions: bypass ? ['bypass'] : [],
    policy: `${repo}:.github/change-control.yml@abc`,
  };
}

function entry(index: number): NewAuditEntry {
  const repo = `acme/service-${index % 20}`;
  const prNumber = Math.floor(index / 20) + 1;
  const at = new Date(START + index * STEP_MS).toISOString();
  const base = { at, deliveryId: `bench-${index}`, repo, prNumber, headSha: index.toString(16).padStart(40, '0') };
  const slot = index % 200;
  if (slot < 19) return { ...base, kind: 'merge', data: mergeData(index, repo, prNumber, slot === 0) };
  if (slot === 19)
    return {
      ...base,
      kind: 'exception',
      data: { type: 'bypass', mergeSha: null, mergedBy: 'bob', missing: ['approval'], gateState: 'pending', issueUrl: null },
    };
  return {
    ...base,
    kind: 'verdict',
    data: { fingerprint: `f${index}`, verdict: { state: 'success', description: 'All controls pass' }, facts: null, published: {} },
  };
}

const time = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const result = await run();
  console.log(`${label.padEnd(52)} ${((performance.now() - start) / 1000).toFixed(3)} s`);
  return result;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-dashboard-'));
  try {
    const store = createSqliteAuditStore({ path: join(dir, 'audit.db') });
    for (let from = 0; from < TOTAL; from += BATCH)
      await store.appendMany(Array.from({ length: Math.min(BATCH, TOTAL - from) }, (_u, o) => entry(from + o)));
    console.log(`dashboard bench: ${TOTAL} entries in SQLite`);
    const parsed = parseChangeFilter(new URLSearchParams({ since: '2025-10-01', until: '2025-12-31' }), NOW);
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const { filter } = parsed;
    const changes = await time('posture, 13 weeks, all repositories', async () => {
      const read = await readChanges({ store, filter, now: NOW });
      computePosture({ changes: read, since: filter.since, until: filter.until, gaps: [], directPushes: [] });
      return read;
    });
    console.log(`  (${changes.length} merged changes)`);
    await time('changes, 13 weeks, one repository, page 1', async () =>
      (await readChanges({ store, filter: { ...filter, repo: 'acme/service-3' }, now: NOW })).slice(0, 50),
    );
    const last = changes.at(-1);
    const checkChain = chainChecker({ store, now: () => NOW });
    const evidence = async () => {
      if (!last) return;
      const entries = await readChangeTimeline({ store, repo: last.repo, prNumber: last.prNumber });
      const { result } = await checkChain(entries.at(-1)?.seq ?? 1);
      if (!result.ok) throw new Error('the chain does not verify');
    };
    await time('change evidence, first view (whole chain walked)', evidence);
    await time('change evidence, next view (verified head kept)', evidence);
    await store.appendMany(Array.from({ length: BATCH }, (_u, o) => entry(TOTAL + o)));
    await time(`change evidence after ${BATCH} new entries`, async () => {
      const { result } = await checkChain(TOTAL + BATCH);
      if (!result.ok || result.count !== TOTAL + BATCH) throw new Error('the new entries do not verify');
    });
    await time('CSV export, 13 weeks', async () => {
      const query = { since: filter.since, until: filter.until, exceptions: false };
      return formatExport({ store, query, rows: await buildExportRows({ store, query, now: NOW }), format: 'csv', now: NOW });
    });
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
