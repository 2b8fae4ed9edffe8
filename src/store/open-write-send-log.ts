import pg from 'pg';
import { databaseTarget, DEFAULT_SQLITE_PATH, type AuditEnvSettings } from './open-audit-store.js';
import { createPostgresWriteSendLog, type WriteSendLog } from './postgres-write-sends.js';
import { poolDatabase } from './sql-database.js';

export interface OpenWriteSendLog {
  log: WriteSendLog;
  close(): Promise<void>;
}

/**
 * The write budget's shared windows when DATABASE_URL is PostgreSQL (null for SQLite: the budget stays in the
 * process). A pool of its own, small (a send holds a connection for one short transaction, never while it waits),
 * so a budget under load never takes the queue's and the audit's connections. The table comes from the audit
 * store's migrations at start; until then, and whenever the database does not answer within `timeoutMs`, a take
 * fails and the write is not sent.
 */
export function openWriteSendLog(settings: Pick<AuditEnvSettings, 'databaseUrl'>, timeoutMs = 5000): OpenWriteSendLog | null {
  const target = databaseTarget(settings.databaseUrl ?? `sqlite:${DEFAULT_SQLITE_PATH}`);
  if (target?.kind !== 'postgres') return null;
  const pool = new pg.Pool({ connectionString: target.url, max: 2, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // An idle connection that drops: the pool discards it, and the next take reports any lasting failure.
  pool.on('error', () => undefined);
  const db = poolDatabase(pool);
  return { log: createPostgresWriteSendLog(db), close: () => db.close() };
}
