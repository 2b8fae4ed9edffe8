import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSqliteAuditStore } from '../../src/store/sqlite-store.js';
import { verifyChain } from '../../src/audit/verify-chain.js';
import { BACKENDS, type Backend } from './backends.js';
import { newEntry } from '../audit/entries.js';

// With TEST_DATABASE_URL the two stores are two pg Pools (4 connections each) on one server: appends
// really race, as they do between app replicas. On PGlite and SQLite they interleave on one process.
describe.each(BACKENDS.map((make) => [make().name, make] as const))('concurrent appends on %s', (_name, make) => {
  const backend: Backend = make();
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  it('two replicas appending 200 entries each at once leave one chain without gaps', async () => {
    const db = await backend.fresh();
    const other = await db.openAnother();
    const replicas = [db.store, other];

    const appended = await Promise.all(
      replicas.flatMap((store, replica) =>
        Array.from({ length: 200 }, (_unused, index) => store.append(newEntry({ data: { replica, index } }))),
      ),
    );

    expect(appended.filter((entry) => entry === null)).toEqual([]);
    const seqs = (await db.store.list({})).map((entry) => entry.seq);
    expect(seqs).toEqual(Array.from({ length: 400 }, (_unused, index) => index + 1));
    expect(await verifyChain(db.store.iterate())).toMatchObject({ ok: true, count: 400 });
  });

  it('a webhook delivered to both replicas at once is recorded once', async () => {
    const db = await backend.fresh();
    const other = await db.openAnother();

    const appended = await Promise.all(
      Array.from({ length: 50 }, (_unused, index) =>
        [db.store, other].map((store) => store.append(newEntry({ deliveryId: `delivery-${index}` }))),
      ).flat(),
    );

    expect(appended.filter((entry) => entry !== null)).toHaveLength(50);
    expect(await verifyChain(db.store.iterate())).toMatchObject({ ok: true, count: 50 });
  });
});

describe('concurrent appends from several processes on one SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-audit-procs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function runWorker(path: string, count: number, tag: string): Promise<void> {
    const worker = fileURLToPath(new URL('./append-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', worker, path, String(count), tag], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`append worker ${tag} exited with ${code}: ${stderr}`);
  }

  it('three processes appending 100 entries each leave one chain without gaps', async () => {
    const path = join(dir, 'audit.db');
    // Created (and migrated) here first, so the workers race on appends rather than on creating the file.
    const store = createSqliteAuditStore({ path });

    await Promise.all(['a', 'b', 'c'].map((tag) => runWorker(path, 100, tag)));

    expect(await verifyChain(store.iterate())).toMatchObject({ ok: true, count: 300 });
    await store.close();
  }, 60_000);
});
