import type Database from 'better-sqlite3';
import type { SqlDatabase } from './sql-database.js';

/**
 * Versioned schema changes, applied in order at open and recorded in `schema_migrations`. Never edit a
 * released migration: add the next version. Each one runs in the transaction that records it.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const APPEND_ONLY_MESSAGE = 'audit_entries is append-only';

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'audit entries, append-only',
    statements: [
      `CREATE TABLE audit_entries (
        seq INTEGER PRIMARY KEY CHECK (seq > 0),
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        delivery_id TEXT,
        kind TEXT NOT NULL,
        repo TEXT NOT NULL,
        pr_number INTEGER,
        head_sha TEXT,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        signature TEXT,
        idempotency_key TEXT UNIQUE
      ) STRICT`,
      'CREATE INDEX audit_entries_repo_pr ON audit_entries (repo, pr_number, seq)',
      'CREATE INDEX audit_entries_at ON audit_entries (at_ms)',
      `CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY_MESSAGE}: UPDATE refused'); END`,
      `CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY_MESSAGE}: DELETE refused'); END`,
    ],
  },
  {
    version: 2,
    name: 'meta',
    statements: ['CREATE TABLE audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT'],
  },
  {
    version: 3,
    name: 'work queue and deliveries (not evidence)',
    statements: [
      'CREATE TABLE queue_deliveries (delivery_id TEXT PRIMARY KEY, event TEXT NOT NULL, received_ms INTEGER NOT NULL) STRICT',
      'CREATE INDEX queue_deliveries_received ON queue_deliveries (received_ms)',
      `CREATE TABLE queue_items (
        key TEXT PRIMARY KEY,
        installation_id INTEGER NOT NULL,
        pending TEXT,
        running TEXT,
        lease_owner TEXT,
        lease_until_ms INTEGER,
        attempts INTEGER NOT NULL,
        next_at_ms INTEGER NOT NULL,
        enqueued_ms INTEGER NOT NULL,
        pending_since_ms INTEGER,
        last_error TEXT
      ) STRICT`,
      'CREATE INDEX queue_items_next ON queue_items (next_at_ms)',
    ],
  },
  {
    version: 4,
    name: 'ticket key to pull request index',
    statements: [
      `CREATE TABLE ticket_pull_requests (
        ticket_key TEXT NOT NULL,
        repo TEXT NOT NULL,
        pr_number INTEGER NOT NULL,
        installation_id INTEGER NOT NULL,
        head_sha TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (ticket_key, repo, pr_number)
      ) STRICT`,
      'CREATE INDEX ticket_pull_requests_pr ON ticket_pull_requests (repo, pr_number)',
    ],
  },
  {
    // The dashboard reads entries by kind (merges of a period; every emergency and retrospective approval).
    version: 5,
    name: 'dashboard: entries by kind and time',
    statements: ['CREATE INDEX audit_entries_kind_at ON audit_entries (kind, at_ms)'],
  },
  {
    // A queue row that cannot be parsed is moved here (with why) so that the rest of the queue flows (docs/queue.md).
    version: 6,
    name: 'queue dead letters',
    statements: [
      `CREATE TABLE queue_dead_letters (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        row TEXT NOT NULL,
        error TEXT NOT NULL,
        moved_ms INTEGER NOT NULL
      ) STRICT`,
    ],
  },
  {
    // The write budget shared by replicas lives in PostgreSQL only (github_write_sends); a SQLite store keeps the
    // budget in the process. The version is taken here too so that both backends number their migrations alike.
    version: 7,
    name: 'write budget sends (PostgreSQL: shared by replicas)',
    statements: [],
  },
  {
    // Tickets the app created (ticket.create): one row per PR, written with a claim BEFORE the provider is called.
    version: 8,
    name: 'created tickets (one per pull request)',
    statements: [
      `CREATE TABLE created_tickets (
        repo TEXT NOT NULL,
        pr_number INTEGER NOT NULL,
        provider TEXT NOT NULL,
        ticket_key TEXT,
        claim TEXT,
        claimed_ms INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        body_written INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        closed_at TEXT,
        PRIMARY KEY (repo, pr_number)
      ) STRICT`,
      'CREATE UNIQUE INDEX created_tickets_key ON created_tickets (ticket_key) WHERE ticket_key IS NOT NULL',
    ],
  },
  {
    // How far each repository's population is reconciled with GitHub (src/app/reconciliation/). Not evidence: it moves.
    version: 9,
    name: 'reconciliation watermarks',
    statements: [
      'CREATE TABLE reconciliation_watermarks (repo TEXT PRIMARY KEY, reconciled_from TEXT NOT NULL, reconciled_up_to TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT',
    ],
  },
];

export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'audit entries, append-only',
    statements: [
      `CREATE TABLE audit_entries (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        at text NOT NULL,
        at_ms bigint NOT NULL,
        delivery_id text,
        kind text NOT NULL,
        repo text NOT NULL,
        pr_number integer,
        head_sha text,
        data text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        signature text,
        idempotency_key text UNIQUE
      )`,
      'CREATE INDEX audit_entries_repo_pr ON audit_entries (repo, pr_number, seq)',
      'CREATE INDEX audit_entries_at ON audit_entries (at_ms)',
      `CREATE FUNCTION audit_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '${APPEND_ONLY_MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
      $$`,
      `CREATE TRIGGER audit_entries_no_update_delete BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()`,
      `CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change()`,
    ],
  },
  {
    version: 2,
    name: 'meta',
    statements: ['CREATE TABLE audit_meta (key text PRIMARY KEY, value text NOT NULL, updated_at text NOT NULL)'],
  },
  {
    version: 3,
    name: 'work queue and deliveries (not evidence)',
    statements: [
      'CREATE TABLE queue_deliveries (delivery_id text PRIMARY KEY, event text NOT NULL, received_ms bigint NOT NULL)',
      'CREATE INDEX queue_deliveries_received ON queue_deliveries (received_ms)',
      `CREATE TABLE queue_items (
        key text PRIMARY KEY,
        installation_id bigint NOT NULL,
        pending text,
        running text,
        lease_owner text,
        lease_until_ms bigint,
        attempts integer NOT NULL,
        next_at_ms bigint NOT NULL,
        enqueued_ms bigint NOT NULL,
        pending_since_ms bigint,
        last_error text
      )`,
      'CREATE INDEX queue_items_next ON queue_items (next_at_ms)',
    ],
  },
  {
    version: 4,
    name: 'ticket key to pull request index',
    statements: [
      `CREATE TABLE ticket_pull_requests (
        ticket_key text NOT NULL,
        repo text NOT NULL,
        pr_number integer NOT NULL,
        installation_id bigint NOT NULL,
        head_sha text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (ticket_key, repo, pr_number)
      )`,
      'CREATE INDEX ticket_pull_requests_pr ON ticket_pull_requests (repo, pr_number)',
    ],
  },
  {
    // The dashboard reads entries by kind (merges of a period; every emergency and retrospective approval).
    version: 5,
    name: 'dashboard: entries by kind and time',
    statements: ['CREATE INDEX audit_entries_kind_at ON audit_entries (kind, at_ms)'],
  },
  {
    // A queue row that cannot be parsed is moved here (with why) so that the rest of the queue flows (docs/queue.md).
    version: 6,
    name: 'queue dead letters',
    statements: [
      `CREATE TABLE queue_dead_letters (
        id bigserial PRIMARY KEY,
        key text NOT NULL,
        row text NOT NULL,
        error text NOT NULL,
        moved_ms bigint NOT NULL
      )`,
    ],
  },
  {
    // GitHub's content-creating requests per installation, counted for every replica (store/postgres-write-sends.ts).
    version: 7,
    name: 'write budget sends (PostgreSQL: shared by replicas)',
    statements: [
      'CREATE TABLE github_write_sends (installation text NOT NULL, sent_ms bigint NOT NULL)',
      'CREATE INDEX github_write_sends_installation ON github_write_sends (installation, sent_ms)',
    ],
  },
  {
    version: 8,
    name: 'created tickets (one per pull request)',
    statements: [
      `CREATE TABLE created_tickets (
        repo text NOT NULL,
        pr_number integer NOT NULL,
        provider text NOT NULL,
        ticket_key text,
        claim text,
        claimed_ms bigint NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        body_written boolean NOT NULL DEFAULT false,
        created_at text NOT NULL,
        closed_at text,
        PRIMARY KEY (repo, pr_number)
      )`,
      'CREATE UNIQUE INDEX created_tickets_key ON created_tickets (ticket_key) WHERE ticket_key IS NOT NULL',
    ],
  },
  {
    // How far each repository's population is reconciled with GitHub (src/app/reconciliation/). Not evidence: it moves.
    version: 9,
    name: 'reconciliation watermarks',
    statements: [
      'CREATE TABLE reconciliation_watermarks (repo text PRIMARY KEY, reconciled_from text NOT NULL, reconciled_up_to text NOT NULL, updated_at text NOT NULL)',
    ],
  },
];

const CREATE_SCHEMA_MIGRATIONS =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)';

/** Advisory lock class for migrations; the second key is the schema, so separate schemas do not wait on each other. */
const MIGRATION_LOCK_CLASS = 0x43430001;

function pending(migrations: Migration[], applied: number[]): Migration[] {
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  if (newest > known) {
    throw new Error(`the audit database schema is at version ${newest}, newer than this app knows (${known}): upgrade the app`);
  }
  return migrations.filter((migration) => !applied.includes(migration.version));
}

/** Brings a SQLite database up to date. BEGIN IMMEDIATE: two processes opening one file migrate one after the other. */
export function migrateSqlite(db: Database.Database, now: () => Date): number[] {
  return db
    .transaction(() => {
      db.exec(CREATE_SCHEMA_MIGRATIONS);
      const applied = db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
      const todo = pending(SQLITE_MIGRATIONS, applied);
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const migration of todo) {
        for (const statement of migration.statements) db.exec(statement);
        record.run(migration.version, migration.name, now().toISOString());
      }
      return todo.map((migration) => migration.version);
    })
    .immediate();
}

/**
 * Brings a PostgreSQL schema up to date. Replicas starting together take turns on an advisory lock, so
 * each migration runs once.
 */
export async function migratePostgres(db: SqlDatabase, now: () => Date): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))", [MIGRATION_LOCK_CLASS]);
    // Create the table only when missing: CREATE … IF NOT EXISTS needs the CREATE privilege even when the
    // table exists, and an append-only role (docs/audit.md) should not need it once the schema is migrated.
    const exists = await tx.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
    if (!exists.rows[0]?.present) await tx.query(CREATE_SCHEMA_MIGRATIONS);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const todo = pending(
      POSTGRES_MIGRATIONS,
      rows.map((row) => row.version),
    );
    for (const migration of todo) {
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
    }
    return todo.map((migration) => migration.version);
  });
}
