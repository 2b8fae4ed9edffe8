/**
 * Audit store benchmark: appends 100,000 entries to SQLite (temp file) and to PostgreSQL
 * (TEST_DATABASE_URL when set, in a schema of its own that is dropped after; else in-memory PGlite), then
 * exports them as JSON Lines and verifies the chain. Run with `npm run bench:audit`.
 *
 * The first BENCH_AUDIT_SINGLE entries (default 2,000) go through `append`, one transaction each, as
 * webhooks do: that rate is bounded by the commit's fsync. The rest go through `appendMany` in batches of
 * 1,000 (same lock, same chaining, same dedupe, one transaction per batch) so the run ends in minutes.
 * BENCH_AUDIT_N changes the total; BENCH_AUDIT_SIGNING is hmac (default), ed25519 or none.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { NewAuditEntry } from '../src/audit/audit-entry.js';
import type { BatchingAuditStore } from '../src/store/batching-audit-store.js';
import { createPostgresAuditStore } from '../src/store/postgres-store.js';
import { parseSigningKey, type AuditSigner } from '../src/audit/signing.js';
import { poolDatabase } from '../src/store/sql-database.js';
import { createSqliteAuditStore } from '../src/store/sqlite-store.js';
import { verifyChain } from '../src/audit/verify-chain.js';

const TOTAL = Number(process.env.BENCH_AUDIT_N ?? 100_000);
const SINGLE = Math.min(TOTAL, Number(process.env.BENCH_AUDIT_SINGLE ?? 2_000));
const BATCH = 1_000;

function signerFor(mode: string): AuditSigner | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'ed25519') {
    return parseSigningKey(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  return parseSigningKey(randomBytes(32).toString('hex'));
}

/** A verdict-sized entry (about 700 bytes of data), one delivery each. */
function entry(index: number): NewAuditEntry {
  const prNumber = (index % 500) + 1;
  return {
    kind: index % 10 === 9 ? 'merge' : 'verdict',
    at: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
    deliveryId: `bench-${index}`,
    repo: `acme/service-${index % 20}`,
    prNumber,
    headSha: index.toString(16).padStart(40, '0'),
    data: {
      state: index % 7 === 0 ? 'failure' : 'success',
      description: 'Change ticket approved; 2 approvals by non-authors on the head commit; required checks passed',
      ticket: { key: `PAY-${prNumber}`, status: 'Approved', url: `https://jira.example.com/browse/PAY-${prNumber}` },
      approvers: [
        { login: 'alice', commitSha: index.toString(16).padStart(40, '0'), submittedAt: '2025-01-01T10:00:00Z' },
        { login: 'bob', commitSha: index.toString(16).padStart(40, '0'), submittedAt: '2025-01-01T10:05:00Z' },
      ],
      checks: [
        { name: 'build', state: 'success', raw: 'completed/success' },
        { name: 'test', state: 'success', raw: 'completed/success' },
      ],
      policy: 'acme/.github:.github/change-control.yml@3f2c1d0',
    },
  };
}

interface Figures {
  store: string;
  singlePerSecond: number;
  batchPerSecond: number;
  appendSeconds: number;
  exportSeconds: number;
  exportMegabytes: number;
  verifySeconds: number;
  verified: string;
}

const seconds = (start: number): number => (performance.now() - start) / 1000;

async function bench(name: string, store: BatchingAuditStore, dir: string, signer: AuditSigner | undefined): Promise<Figures> {
  const appendStart = performance.now();
  for (let index = 0; index < SINGLE; index += 1) await store.append(entry(index));
  const singleSeconds = seconds(appendStart);
  const batchStart = performance.now();
  for (let from = SINGLE; from < TOTAL; from += BATCH) {
    const size = Math.min(BATCH, TOTAL - from);
    await store.appendMany(Array.from({ length: size }, (_unused, offset) => entry(from + offset)));
  }
  const batchSeconds = seconds(batchStart);

  const exportPath = join(dir, `${name.split(' ')[0]}-export.jsonl`);
  const exportStart = performance.now();
  const out = createWriteStream(exportPath);
  for await (const stored of store.iterate(5_000)) {
    if (!out.write(`${JSON.stringify(stored)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const exportSeconds = seconds(exportStart);

  const verifyStart = performance.now();
  const result = await verifyChain(store.iterate(5_000), { signer });
  const verifySeconds = seconds(verifyStart);
  if (!result.ok || result.count !== TOTAL) throw new Error(`${name}: verify failed: ${JSON.stringify(result)}`);

  return {
    store: name,
    singlePerSecond: SINGLE / singleSeconds,
    batchPerSecond: (TOTAL - SINGLE) / batchSeconds,
    appendSeconds: singleSeconds + batchSeconds,
    exportSeconds,
    exportMegabytes: statSync(exportPath).size / 1e6,
    verifySeconds,
    verified: `OK: ${result.count} entries`,
  };
}

async function withPostgres(
  run: (store: BatchingAuditStore, name: string) => Promise<Figures>,
  signer: AuditSigner | undefined,
): Promise<Figures> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const name = 'postgres (PGlite, in memory)';
    return run(await createPostgresAuditStore({ db: await PGlite.create(), signer }), name);
  }
  const schema = `cc_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}` });
    const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
    return await run(await createPostgresAuditStore({ db: poolDatabase(pool), signer }), `postgres ${version} (TEST_DATABASE_URL)`);
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const signing = process.env.BENCH_AUDIT_SIGNING ?? 'hmac';
  const signer = signerFor(signing);
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-audit-'));
  console.log(`audit bench: ${TOTAL} entries (${SINGLE} by append, the rest by appendMany × ${BATCH}), signing: ${signing}`);
  const figures: Figures[] = [];
  const run = async (store: BatchingAuditStore, name: string): Promise<Figures> => {
    try {
      const result = await bench(name, store, dir, signer);
      console.log(`${name}: done`);
      return result;
    } finally {
      await store.close();
    }
  };
  try {
    figures.push(await run(createSqliteAuditStore({ path: join(dir, 'audit.db'), signer }), 'sqlite (WAL, synchronous=FULL, temp file)'));
    figures.push(await withPostgres(run, signer));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(
    figures.map((figure) => ({
      store: figure.store,
      'append entries/s (one per tx)': Math.round(figure.singlePerSecond),
      'append entries/s (appendMany)': Math.round(figure.batchPerSecond),
      'append total s': figure.appendSeconds.toFixed(1),
      'export s (JSONL)': figure.exportSeconds.toFixed(2),
      'export MB': figure.exportMegabytes.toFixed(1),
      'verify s': figure.verifySeconds.toFixed(2),
      verify: figure.verified,
    })),
  );
}

await main();
