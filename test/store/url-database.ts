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
 * The multiplexer keeps a transaction on its connection, and (keepStatementsWhole below) a statement's
 * extended-protocol messages together. It refuses connections beyond `maxConnections`
 * rather than queueing them; the limit leaves room for the test's connection, the store's pool and a
 * closing pool's socket that the server has not seen close yet.
 */
async function openPgliteServer(maxConnections: number): Promise<UrlDatabase> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  keepStatementsWhole(server, db);
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

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/** pglite-socket's query queue (0.2.x), which its types do not expose. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Extended-protocol messages that leave a statement open until the connection's Sync: Parse, Bind, Describe, Execute, Close, Flush. */
const OPENS_STATEMENT = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48].map((byte) => byte));
const SYNC = 0x53;

/**
 * pglite-socket runs one protocol message at a time, from whichever connection sent it: between one connection's
 * Parse and its Sync, another connection's statement can run on the one session and replace the unnamed statement
 * ("unnamed prepared statement does not exist"). Serve a connection whose statement is open until its Sync, as the
 * queue already does for a connection in a transaction. (Two replicas writing at once send such statements.)
 */
function keepStatementsWhole(server: PGLiteSocketServer, db: PGlite): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let open: number | null = null;
  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const holder = db.isInTransaction() && this.lastHandlerId !== null ? this.lastHandlerId : open;
        const index = holder === null ? 0 : this.queue.findIndex((item) => item.handlerId === holder);
        if (index === -1) break; // the holder's next message has not arrived yet
        const [item] = this.queue.splice(index, 1);
        if (!item) break;
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error);
          continue;
        }
        const type = item.message[0] ?? 0;
        open = type === SYNC ? null : OPENS_STATEMENT.has(type) ? item.handlerId : open;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    // A connection that closed mid-statement: serve the others.
    if (open === handlerId) {
      open = null;
      void queue.processQueue();
    }
  };
}
