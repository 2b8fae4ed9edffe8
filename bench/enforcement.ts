/**
 * Enforcement history benchmark: a SQLite store (temp file) with BENCH_ENF_REPOS repositories (default 200), each with
 * BENCH_ENF_CHANGES `enforcement` changes of its default branch (default 50: alternately enforced and removed) and
 * BENCH_ENF_SNAPSHOTS `access-snapshot` entries of BENCH_ENF_PEOPLE people (defaults 10 and 300). Times what the
 * auditor's commands read: `audit controls --at`, `audit access --at`, the enforcement gaps of a quarter (exceptions
 * export, posture page), and prints the size of one access snapshot. Run with `npm run bench:enforcement`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewAuditEntry } from '../src/audit/audit-entry.js';
import { accessAt, controlsAt } from '../src/report/enforcement-at.js';
import { readEnforcementGaps } from '../src/report/enforcement-gaps.js';
import type { AccessSnapshotRecord, EnforcementRecord } from '../src/audit/enforcement-records.js';
import { createSqliteAuditStore } from '../src/store/sqlite-store.js';
import { reviewAccess, type AccessFacts } from '../src/policy/access-review.js';
import { judgeEnforcement } from '../src/policy/enforcement.js';

const REPOS = Number(process.env.BENCH_ENF_REPOS ?? 200);
const CHANGES = Number(process.env.BENCH_ENF_CHANGES ?? 50);
const SNAPSHOTS = Number(process.env.BENCH_ENF_SNAPSHOTS ?? 10);
const PEOPLE = Number(process.env.BENCH_ENF_PEOPLE ?? 300);
const START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

function state(required: boolean) {
  return judgeEnforcement({
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
            bypassActors: { known: true, value: [{ actorType: 'RepositoryRole', actorId: 5, bypassMode: 'always' }] },
          },
        ],
      },
      protection: { known: true, value: null },
    },
    appId: 1,
    checkNames: ['change-control', 'Change control'],
  });
}

const facts: AccessFacts = {
  collaborators: Array.from({ length: PEOPLE }, (_u, i) => ({
    login: `person-${i}`,
    id: 10_000 + i,
    role: i % 30 === 0 ? ('admin' as const) : i % 3 === 0 ? ('read' as const) : ('write' as const),
  })),
  direct: Array.from({ length: PEOPLE / 10 }, (_u, i) => `person-${i * 10}`),
  teams: Array.from({ length: 5 }, (_u, t) => ({
    slug: `team-${t}`,
    id: 900 + t,
    role: 'write' as const,
    members: Array.from({ length: PEOPLE / 5 }, (_u2, i) => `person-${t * (PEOPLE / 5) + i}`),
  })),
};

function entries(): NewAuditEntry[] {
  const list: NewAuditEntry[] = [];
  for (let r = 0; r < REPOS; r += 1) {
    const repo = `acme/service-${r}`;
    for (let c = 0; c < CHANGES; c += 1) {
      const required = c % 2 === 0;
      const record: EnforcementRecord = {
        installationId: 1,
        trigger: 'sweep',
        policy: null,
        state: state(required),
        changes: ['bench'],
        lost: !required,
      };
      list.push({
        kind: 'enforcement',
        at: new Date(START + c * 7 * DAY + r * 1000).toISOString(),
        deliveryId: null,
        repo,
        prNumber: null,
        headSha: null,
        data: { ...record },
      });
    }
    for (let s = 0; s < SNAPSHOTS; s += 1) {
      const record: AccessSnapshotRecord = {
        installationId: 1,
        trigger: 'sweep',
        branches: ['main'],
        review: reviewAccess({ facts, branches: [state(true)], org: 'acme' }),
        facts,
      };
      list.push({
        kind: 'access-snapshot',
        at: new Date(START + s * 30 * DAY + r * 1000).toISOString(),
        deliveryId: null,
        repo,
        prNumber: null,
        headSha: null,
        data: { ...record },
      });
    }
  }
  return list.sort((a, b) => a.at.localeCompare(b.at));
}

async function timed<T>(label: string, run: () => Promise<T>, size: (value: T) => number): Promise<void> {
  const started = process.hrtime.bigint();
  const value = await run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${label}: ${ms.toFixed(0)} ms (${size(value)} rows)`);
}

const dir = mkdtempSync(join(tmpdir(), 'cc-bench-enforcement-'));
const store = createSqliteAuditStore({ path: join(dir, 'audit.db') });
try {
  const all = entries();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(all.find((e) => e.kind === 'access-snapshot')?.data ?? {}));
  console.log(
    `enforcement bench: ${REPOS} repositories, ${REPOS * CHANGES} enforcement entries, ${REPOS * SNAPSHOTS} access snapshots of ${PEOPLE} people (${(snapshotBytes / 1024).toFixed(1)} KiB each)`,
  );
  for (let i = 0; i < all.length; i += 1_000) await store.appendMany(all.slice(i, i + 1_000));
  const at = new Date(START + 200 * DAY).toISOString();
  await timed(
    'audit controls --at (every repository)',
    () => controlsAt({ store, at }),
    (rows) => rows.length,
  );
  await timed(
    'audit access --at (every repository)',
    () => accessAt({ store, at }),
    (rows) => rows.length,
  );
  await timed(
    'enforcement gaps of a quarter (exceptions export, posture)',
    () => readEnforcementGaps({ store, since: new Date(START + 90 * DAY).toISOString(), until: new Date(START + 180 * DAY).toISOString() }),
    (rows) => rows.length,
  );
  await timed(
    'audit controls --at --repo (one repository)',
    () => controlsAt({ store, at, repo: 'acme/service-7' }),
    (rows) => rows.length,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
