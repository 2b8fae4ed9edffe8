/**
 * Population export benchmark: a SQLite audit store (temp file) holding BENCH_POP_N merged changes (default 100,000)
 * over a year in 20 repositories, written the way the app writes them since durable merge evidence: an `unverified`
 * claim, then the `verified` record; 10 % standard changes of a class, 1 % recorded late by reconciliation, 0.5 %
 * bypasses (with their exception), and
 * besides the merges 0.2 % as many direct pushes (exception `direct-push`), weekly enforcement checks of each
 * repository with a gap a quarter, and a reconciliation watermark per repository. Times `audit export` of the whole
 * year (CSV and JSON Lines) and `audit export --exceptions`, and prints the rows each gives.
 * Run with `npm run bench:population`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewAuditEntry } from '../src/audit/audit-entry.js';
import type { EnforcementRecord } from '../src/audit/enforcement-records.js';
import type { ExceptionRecord, MergeRecord } from '../src/audit/evidence-records.js';
import type { DirectPushRecord } from '../src/audit/push-records.js';
import { judgeEnforcement } from '../src/policy/enforcement.js';
import { buildExportRows, formatExport, type ExportFormat, type ExportQuery } from '../src/report/build-export.js';
import { createSqliteAuditStore } from '../src/store/sqlite-store.js';

const TOTAL = Number(process.env.BENCH_POP_N ?? 100_000);
const REPOS = 20;
const BATCH = 1_000;
const START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;
const STEP_MS = Math.floor((365 * DAY) / TOTAL);
const NOW = new Date(START + 366 * DAY);

const sha = (seed: number, prefix = '0'): string => `${prefix}${seed.toString(16)}`.padStart(40, '0');

function merge(
  index: number,
  repo: string,
  prNumber: number,
  kind: { late: boolean; bypass: boolean; standard: boolean },
  claim: boolean,
): MergeRecord {
  const head = sha(index);
  return {
    pr: { number: prNumber, title: `PAY-${prNumber} change ${index}`, url: `https://github.com/${repo}/pull/${prNumber}`, author: 'alice' },
    baseRef: 'main',
    headSha: head,
    mergeSha: sha(index, 'f'),
    mergedBy: 'bob',
    mergedAt: new Date(START + index * STEP_MS).toISOString(),
    gate: claim
      ? null
      : {
          state: kind.bypass ? 'pending' : 'success',
          description: kind.bypass ? 'Waiting for 1 approval' : 'All controls pass',
          seq: null,
        },
    atMerge: claim
      ? { state: 'unknown', description: 'not yet verified' }
      : { state: kind.bypass ? 'pending' : 'success', description: 'at merge' },
    ticket: claim ? null : { key: `PAY-${prNumber}`, status: 'Approved', url: null, approver: null },
    approvers: claim || kind.bypass ? [] : [{ login: 'dave', commitSha: head, submittedAt: '2025-01-01T10:00:00Z' }],
    checks: claim ? [] : [{ name: 'build', state: 'success', raw: 'SUCCESS' }],
    exceptions: kind.bypass && !claim ? ['merged while change-control was pending'] : [],
    policy: claim ? null : `${repo}:.github/change-control.yml@abc`,
    evidence: claim ? 'unverified' : 'verified',
    ...(claim ? {} : { claimSeq: null }),
    recordedBy: kind.late ? 'reconciliation' : 'webhook',
    ...(kind.standard && !claim ? { standardChange: { name: 'dependency-updates', ticket: 'CHG-1000' } } : {}),
  };
}

function directPush(index: number): DirectPushRecord {
  const commit = {
    sha: sha(index, 'd'),
    author: { name: 'Root', email: 'root@acme.com', login: 'root' },
    committer: { name: 'Root', email: 'root@acme.com', login: 'root' },
    headline: 'hotfix',
    pullRequest: null,
  };
  return {
    type: 'direct-push',
    branch: 'main',
    before: sha(index, 'c'),
    after: commit.sha,
    forced: index % 2 === 0,
    created: false,
    deleted: false,
    sender: 'root',
    pusher: { name: 'root', email: 'root@acme.com' },
    commits: [commit],
    removed: [],
    reasons: ['1 commit did not come from a merged pull request'],
    complete: true,
    totalCommits: 1,
    policy: null,
    issueUrl: null,
  };
}

function enforcement(required: boolean): EnforcementRecord {
  const state = judgeEnforcement({
    facts: {
      branch: 'main',
      rulesets: {
        known: true,
        value: [
          {
            rulesetId: 7,
            source: 'acme',
            sourceType: 'Organization',
            requiredChecks: [{ context: required ? 'change-control' : 'build', integrationId: 1 }],
            bypassActors: { known: true, value: [] },
          },
        ],
      },
      protection: { known: true, value: null },
    },
    appId: 1,
    checkNames: ['change-control', 'Change control'],
  });
  return { installationId: 1, trigger: 'sweep', policy: null, state, changes: ['bench'], lost: !required };
}

/** The entries of change `index`, in the order the app writes them. */
function changeEntries(index: number): NewAuditEntry[] {
  const repo = `acme/service-${index % REPOS}`;
  const prNumber = Math.floor(index / REPOS) + 1;
  const at = (offset: number) => new Date(START + index * STEP_MS + offset).toISOString();
  const base = { repo, prNumber, headSha: sha(index) };
  const kind = { late: index % 100 === 7, bypass: index % 200 === 3, standard: index % 10 === 5 };
  const list: NewAuditEntry[] = [
    {
      ...base,
      at: at(0),
      deliveryId: `bench-verdict-${index}`,
      kind: 'verdict',
      data: { fingerprint: `f${index}`, verdict: { state: 'success', description: 'All controls pass' }, facts: null, published: {} },
    },
    { ...base, at: at(1), deliveryId: `bench-claim-${index}`, kind: 'merge', data: { ...merge(index, repo, prNumber, kind, true) } },
    { ...base, at: at(2), deliveryId: `bench-merge-${index}`, kind: 'merge', data: { ...merge(index, repo, prNumber, kind, false) } },
  ];
  if (kind.bypass) {
    const exception: ExceptionRecord = {
      type: 'bypass',
      mergeSha: sha(index, 'f'),
      mergedBy: 'bob',
      missing: ['approval'],
      gateState: 'pending',
      issueUrl: null,
    };
    list.push({ ...base, at: at(3), deliveryId: `bench-exception-${index}`, kind: 'exception', data: { ...exception } });
  }
  if (index % 500 === 11)
    list.push({
      repo,
      prNumber: null,
      headSha: null,
      at: at(4),
      deliveryId: `bench-push-${index}`,
      kind: 'exception',
      data: { ...directPush(index) },
    });
  return list;
}

function enforcementEntries(): NewAuditEntry[] {
  const list: NewAuditEntry[] = [];
  for (let week = 0; week < 53; week += 1)
    for (let r = 0; r < REPOS; r += 1)
      // A gap of a week each quarter (weeks 10, 23, 36, 49), closed the week after.
      list.push({
        kind: 'enforcement',
        at: new Date(START + week * 7 * DAY + r * 1000).toISOString(),
        deliveryId: null,
        repo: `acme/service-${r}`,
        prNumber: null,
        headSha: null,
        data: { ...enforcement(week % 13 !== 10) },
      });
  return list;
}

const time = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const result = await run();
  console.log(`${label.padEnd(44)} ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return result;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-population-'));
  try {
    const store = createSqliteAuditStore({ path: join(dir, 'audit.db') });
    const all = [...Array.from({ length: TOTAL }, (_u, i) => changeEntries(i)).flat(), ...enforcementEntries()].sort((a, b) =>
      a.at.localeCompare(b.at),
    );
    for (let from = 0; from < all.length; from += BATCH) await store.appendMany(all.slice(from, from + BATCH));
    for (let r = 0; r < REPOS; r += 1)
      await store.setReconciliationWatermark({ repo: `acme/service-${r}`, from: new Date(START).toISOString(), upTo: NOW.toISOString() });
    console.log(`population bench: ${TOTAL} merged changes, ${all.length} entries in SQLite`);
    const year: ExportQuery = { since: new Date(START).toISOString(), until: NOW.toISOString(), exceptions: false };
    const run = async (query: ExportQuery, format: ExportFormat) => {
      const rows = await buildExportRows({ store, query, now: NOW });
      const text = await formatExport({ store, query, rows, format, now: NOW });
      return { rows: rows.length, megabytes: Buffer.byteLength(text) / 1e6 };
    };
    for (const [label, query, format] of [
      ['audit export, a year, CSV', year, 'csv'],
      ['audit export, a year, JSON Lines', year, 'jsonl'],
      ['audit export --exceptions, a year, CSV', { ...year, exceptions: true }, 'csv'],
    ] as const) {
      const figure = await time(label, () => run(query, format));
      console.log(`  ${figure.rows} rows, ${figure.megabytes.toFixed(1)} MB`);
    }
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
