import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { BatchingAuditStore } from '../../src/store/batching-audit-store.js';
import { createPostgresAuditStore } from '../../src/store/postgres-store.js';
import type { AuditSigner } from '../../src/audit/signing.js';
import { poolDatabase, type SqlDatabase } from '../../src/store/sql-database.js';
import { createSqliteAuditStore } from '../../src/store/sqlite-store.js';

export type Row = Record<string, unknown>;

export interface StoreOptions {
  signer?: AuditSigner;
  now?: () => Date;
}

/** One empty audit database, with a store on it and a back door for the tests that play the attacker. */
export interface TestDatabase {
  store: BatchingAuditStore;
  /** Another store on the same database (a second replica, or the app restarted). */
  openAnother(options?: StoreOptions): Promise<BatchingAuditStore>;
  /** One SQL statement on a connection of its own, without parameters. */
  raw(sql: string): Promise<Row[]>;
  /** What an attacker with database access does first: switch off the append-only triggers. */
  disableTriggers(): Promise<void>;
}

export interface Backend {
  name: string;
  kind: 'sqlite' | 'postgres';
  /** Called in beforeAll (PGlite takes ~3 s to start: one instance per test file). */
  setup(): Promise<void>;
  fresh(options?: StoreOptions): Promise<TestDatabase>;
  /** Called in afterAll: closes everything fresh() opened and removes its files or schemas. */
  teardown(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export function sqliteBackend(): Backend {
  let dir = '';
  let count = 0;
  const closers: Array<() => Promise<void> | void> = [];
  return {
    name: 'sqlite',
    kind: 'sqlite',
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'cc-audit-'));
    },
    fresh: async (options = {}) => {
      count += 1;
      const path = join(dir, `audit-${count}.db`);
      const open = (more: StoreOptions = {}): BatchingAuditStore => {
        const store = createSqliteAuditStore({ path, ...more });
        closers.push(() => store.close());
        return store;
      };
      const rawDb = new Database(path);
      closers.push(() => {
        rawDb.close();
      });
      return {
        store: open(options),
        openAnother: async (more) => open(more),
        raw: async (sql) => {
          const statement = rawDb.prepare(sql);
          if (statement.reader) return statement.all() as Row[];
          statement.run();
          return [];
        },
        disableTriggers: async () => {
          rawDb.exec('DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;');
        },
      };
    },
    teardown: async () => {
      for (const close of closers.reverse()) await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL: the server at TEST_DATABASE_URL when set (one fresh schema per database), else embedded PGlite. */
export function postgresBackend(): Backend {
  return TEST_DATABASE_URL ? serverBackend(TEST_DATABASE_URL) : pgliteBackend();
}

const DISABLE_PG_TRIGGERS = 'ALTER TABLE audit_entries DISABLE TRIGGER USER';

function serverBackend(url: string): Backend {
  const run = `cc_test_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  const pools: pg.Pool[] = [];
  let admin: pg.Pool | undefined;
  const poolOn = (schema: string): pg.Pool => {
    const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 4 });
    pools.push(pool);
    return pool;
  };
  return {
    name: 'postgres (TEST_DATABASE_URL)',
    kind: 'postgres',
    setup: async () => {
      admin = new pg.Pool({ connectionString: url, max: 1 });
    },
    fresh: async (options = {}) => {
      const schema = `${run}_${schemas.length + 1}`;
      await admin?.query(`CREATE SCHEMA ${schema}`);
      schemas.push(schema);
      const open = (more: StoreOptions = {}): Promise<BatchingAuditStore> =>
        createPostgresAuditStore({ db: poolDatabase(poolOn(schema)), ...more });
      const rawPool = poolOn(schema);
      return {
        store: await open(options),
        openAnother: open,
        raw: async (sql) => (await rawPool.query(sql)).rows as Row[],
        disableTriggers: async () => {
          await rawPool.query(DISABLE_PG_TRIGGERS);
        },
      };
    },
    teardown: async () => {
      // Stores close their own pools; ending an ended pool throws, so only end the ones still open.
      await Promise.all(pools.filter((pool) => !pool.ended).map((pool) => pool.end()));
      for (const schema of schemas) await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin?.end();
    },
  };
}

function pgliteBackend(): Backend {
  let db: PGlite | undefined;
  let count = 0;
  const instance = (): PGlite => {
    if (!db) throw new Error('setup() was not called');
    return db;
  };
  /** The shared instance as a store's database; closing the store must not close the instance. */
  const shared = (): SqlDatabase => ({
    query: (sql, params) => instance().query(sql, params),
    transaction: (fn) => instance().transaction(fn),
    close: async () => undefined,
  });
  return {
    name: 'postgres (PGlite)',
    kind: 'postgres',
    setup: async () => {
      db = await PGlite.create();
    },
    fresh: async (options = {}) => {
      // PGlite is one connection: tests run one after the other, each in a schema of its own.
      count += 1;
      const schema = `cc_test_${count}`;
      await instance().exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};`);
      const open = (more: StoreOptions = {}): Promise<BatchingAuditStore> => createPostgresAuditStore({ db: shared(), ...more });
      return {
        store: await open(options),
        openAnother: open,
        raw: async (sql) => (await instance().query<Row>(sql)).rows,
        disableTriggers: async () => {
          await instance().query(DISABLE_PG_TRIGGERS);
        },
      };
    },
    teardown: async () => {
      await db?.close();
    },
  };
}

export const BACKENDS: Array<() => Backend> = [sqliteBackend, postgresBackend];
