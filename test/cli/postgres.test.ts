import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { runCli } from '../../src/cli/run-cli.js';
import { openUrlDatabase, type UrlDatabase } from '../store/url-database.js';
import { captureIo, januaryEntries } from './seed.js';

// The commands reach PostgreSQL only by URL: TEST_DATABASE_URL's server, else PGlite behind a socket server.
let empty: UrlDatabase | undefined;
let seeded: UrlDatabase | undefined;
const opened = (database: UrlDatabase | undefined): UrlDatabase => {
  if (!database) throw new Error('beforeAll did not open the databases');
  return database;
};

beforeAll(async () => {
  empty = await openUrlDatabase();
  seeded = await openUrlDatabase();
  const store = await openAuditStore({ databaseUrl: seeded.url });
  for (const entry of januaryEntries()) await store.append(entry);
  await store.close();
  // Two embedded PostgreSQL instances (PGlite) start here when TEST_DATABASE_URL is unset: ~3 s each alone, far
  // more on a loaded 2-core machine, so the hook gets more than jest's 30 s.
}, 120_000);

afterAll(async () => {
  await empty?.close();
  await seeded?.close();
});

describe('the commands on PostgreSQL', () => {
  it('verify and export read a PostgreSQL store', async () => {
    const { url } = opened(seeded);
    const verify = captureIo({ DATABASE_URL: url });
    const exported = captureIo();

    const verifyCode = await runCli(['audit', 'verify'], verify.io);
    const exportCode = await runCli(
      ['audit', 'export', '--since', '2026-01-01', '--until', '2026-02-01', '--format', 'jsonl', '--database', url],
      exported.io,
    );

    expect([verifyCode, exportCode]).toEqual([0, 0]);
    expect(verify.stdout()).toMatch(/^OK: 14 entries, head [0-9a-f]{64}\n$/);
    expect(exported.stdout().trimEnd().split('\n')).toHaveLength(5);
  });

  it('refuse a database without an audit store, and create nothing in it', async () => {
    const database = opened(empty);
    const captured = captureIo({ DATABASE_URL: database.url });

    const code = await runCli(['audit', 'verify'], captured.io);

    expect(code).toBe(2);
    expect(captured.stderr()).toBe(
      'error: no audit store in the database in DATABASE_URL (no schema_migrations table in its search path)\n',
    );
    const tables = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [
      database.schema,
    ]);
    expect(tables).toEqual([{ n: 0 }]);
  });
});
