import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AuditStore } from '../audit/audit-entry.js';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, type Migration } from '../store/migrations.js';
import { databaseTarget, DEFAULT_SQLITE_PATH, openAuditStore } from '../store/open-audit-store.js';
import { UsageError } from './cli-io.js';

const SUPPORTED = 'sqlite:PATH, postgres://… or postgresql://…';

/** `--database` wins over DATABASE_URL; neither means the app's default SQLite file. */
export function resolveDatabaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): { url: string; source: string } {
  if (flag !== undefined) return { url: flag, source: '--database' };
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, source: 'DATABASE_URL' };
  return { url: `sqlite:${DEFAULT_SQLITE_PATH}`, source: 'the default store' };
}

function checkSchema(applied: number[], migrations: Migration[], where: string): void {
  const known = migrations.map((migration) => migration.version);
  const missing = known.filter((version) => !applied.includes(version));
  // Opening the store would run these migrations, which writes: a reading command must not.
  if (missing.length > 0) {
    throw new UsageError(
      `the audit store at ${where} lacks schema versions ${missing.join(', ')}: start the app once to migrate it, then retry`,
    );
  }
}

/** Reads the applied schema versions without writing anything (read-only connection). */
function inspectSqlite(path: string): void {
  const where = resolve(path);
  if (!existsSync(path)) throw new UsageError(`no audit store at ${where}`);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    if (!hasTable) throw new UsageError(`${where} is a SQLite database but not a Change Control audit store (no schema_migrations table)`);
    checkSchema(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[], SQLITE_MIGRATIONS, where);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${where} is not a readable SQLite database: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    db?.close();
  }
}

async function inspectPostgres(url: string, source: string): Promise<void> {
  // The URL is never echoed: it may hold a password.
  const where = `the database in ${source}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
    if (!rows[0]?.present) throw new UsageError(`no audit store in ${where} (no schema_migrations table in its search path)`);
    const versions = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    checkSchema(
      versions.rows.map((row) => row.version),
      POSTGRES_MIGRATIONS,
      where,
    );
  } finally {
    await client.end();
  }
}

/**
 * Opens an existing audit store for reading. Refuses, before opening, a store that does not exist or is
 * not fully migrated, because openAuditStore would create or migrate it. Opened without a signing key:
 * reading needs none, and openAuditStore refuses a public key.
 */
export async function openReadOnlyStore(options: { database: string | undefined; env: NodeJS.ProcessEnv }): Promise<AuditStore> {
  const { url, source } = resolveDatabaseUrl(options.database, options.env);
  const target = databaseTarget(url);
  // The value is not echoed: a postgres URL may hold a password.
  if (target === null) throw new UsageError(`${source} must be one of ${SUPPORTED}`);
  if (target.kind === 'sqlite') {
    if (target.path === ':memory:')
      throw new UsageError(`${source} names an in-memory SQLite database, which holds no audit entries to read`);
    inspectSqlite(target.path);
  } else {
    await inspectPostgres(target.url, source);
  }
  return openAuditStore({ databaseUrl: url });
}
