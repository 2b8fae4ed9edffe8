import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { TEST_DATABASE_URL, type Row } from './backends.js';

/** An empty PostgreSQL database that the code under test reaches by URL, as it would through DATABASE_URL. */
export interface UrlDatabase {
  /** A postgres:// URL whose connections use `schema`. */
  url: string;
  /** Where the URL's tables go: a fresh schema on the TEST_DATABASE_URL server, `public` on PGlite. */
  schema: string;
  /** A query from the test itself, on a connection of its own. */
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Drops the schema (server) or stops the server and the instance (PGlite). */
  close(): Promise<void>;
}

/** The server at TEST_DATABASE_URL when set (one fresh schema per call), else a PGlite instance served on a free port. */
export async function openUrlDatabase(options: { maxConnections?: number } = {}): Promise<UrlDatabase> {
  return TEST_DATABASE_URL ? openServerSchema(TEST_DATABASE_URL) : openPgliteServer(options.maxConnections ?? 8);
}

async function openServerSchema(serverUrl: string): Promise<UrlDatabase> {
  const schema = `cc_test_url_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return {
    url: `${serverUrl}${serverUrl.includes('?') ? '&' : '?'}options=${options}`,
    schema,
    query: async <R extends Row>(sql: string, params?: unknown[]) => (await admin.query<R>(sql, params)).rows,
    close: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/**
 * PGlite is one session shared by every socket connection (pglite-socket multiplexes them): it ignores the
 * startup `options`, so a search_path per URL is impossible and each database is an instance of its own.
 * The multiplexer keeps a transaction on its connection but may interleave the messages of concurrent
 * statements, so tests use it one statement at a time. It refuses connections beyond `maxConnections`
 * rather than queueing them; the limit leaves room for the test's connection, the store's pool and a
 * closing pool's socket that the server has not seen close yet.
 */
async function openPgliteServer(maxConnections: number): Promise<UrlDatabase> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  // getServerConn() is host:port once started; port 0 asked the OS for a free one.
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  return {
    url,
    schema: 'public',
    query: async <R extends Row>(sql: string, params?: unknown[]) => (await admin.query<R>(sql, params)).rows,
    close: async () => {
      await admin.end();
      await server.stop();
      await db.close();
    },
  };
}
