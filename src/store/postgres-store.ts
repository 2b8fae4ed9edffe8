import { GENESIS_HASH, type AuditEntry, type NewAuditEntry } from '../audit/audit-entry.js';
import type { BatchingAuditStore } from './batching-audit-store.js';
import { chainEntry, validateNewEntry } from '../audit/chain-entry.js';
import { ENTRY_COLUMNS, rowToEntry, type EntryRow } from './entry-row.js';
import { filterToSql } from './filter-sql.js';
import { createPostgresQueueStore } from './postgres-queue-store.js';
import { createPostgresCreatedTickets } from './postgres-created-tickets.js';
import { migratePostgres } from './migrations.js';
import type { ReconciliationWatermark } from '../audit/reconciliation-watermark.js';
import type { AuditSigner } from '../audit/signing.js';
import type { SqlDatabase, SqlQueryable } from './sql-database.js';

export interface PostgresAuditStoreOptions {
  /** A `pg` Pool through `poolDatabase`, or a PGlite instance. The store closes it on close(). */
  db: SqlDatabase;
  signer?: AuditSigner;
  now?: () => Date;
}

/**
 * Advisory lock class for appends. Several replicas share one database: each append takes this lock for
 * its transaction, then reads the head, so seq and prevHash always follow the last committed entry.
 * (Not `LOCK TABLE … IN EXCLUSIVE MODE`: on PostgreSQL 15 that needs UPDATE or DELETE privilege, which an
 * append-only app role should not have.)
 */
const APPEND_LOCK_CLASS = 0x43430002;
const APPEND_LOCK_SQL = "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))";

const INSERT_SQL = `INSERT INTO audit_entries (seq, at, at_ms, delivery_id, kind, repo, pr_number, head_sha, data, prev_hash, hash, signature, idempotency_key)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING seq`;

/** The PostgreSQL audit store. Migrates the schema at open. */
export async function createPostgresAuditStore(options: PostgresAuditStoreOptions): Promise<BatchingAuditStore> {
  const { db, signer } = options;
  const now = options.now ?? (() => new Date());
  try {
    await migratePostgres(db, now);
  } catch (error) {
    await db.close();
    throw error;
  }

  async function appendInTransaction(tx: SqlQueryable, inputs: NewAuditEntry[]): Promise<Array<AuditEntry | null>> {
    await tx.query(APPEND_LOCK_SQL, [APPEND_LOCK_CLASS]);
    // A separate statement after the lock: under READ COMMITTED it sees every append committed before ours.
    const { rows } = await tx.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1');
    let seq = rows[0] ? Number(rows[0].seq) : 0;
    let prevHash = rows[0]?.hash ?? GENESIS_HASH;
    const results: Array<AuditEntry | null> = [];
    for (const input of inputs) {
      const chained = chainEntry({ input, seq: seq + 1, prevHash, signer });
      const { entry } = chained;
      const inserted = await tx.query(INSERT_SQL, [
        entry.seq,
        entry.at,
        chained.atMs,
        entry.deliveryId,
        entry.kind,
        entry.repo,
        entry.prNumber,
        entry.headSha,
        chained.dataJson,
        entry.prevHash,
        entry.hash,
        entry.signature,
        chained.idempotencyKey,
      ]);
      if (inserted.rows.length === 0) {
        results.push(null);
        continue;
      }
      seq = entry.seq;
      prevHash = entry.hash;
      results.push(entry);
    }
    return results;
  }

  async function appendMany(entries: readonly NewAuditEntry[]): Promise<Array<AuditEntry | null>> {
    const inputs = entries.map((entry) => validateNewEntry(entry));
    return db.transaction((tx) => appendInTransaction(tx, inputs));
  }

  return {
    kind: 'postgres',
    append: async (entry) => (await appendMany([entry]))[0] ?? null,
    appendMany,
    queue: createPostgresQueueStore(db),
    createdTickets: createPostgresCreatedTickets(db, now),
    list: async (filter) => {
      const { sql, params } = filterToSql(filter, (index) => `$${index}`);
      return (await db.query<EntryRow>(sql, params)).rows.map(rowToEntry);
    },
    latest: async (filter) => {
      const { sql, params } = filterToSql({ ...filter, newestFirst: true, limit: 1 }, (index) => `$${index}`);
      const row = (await db.query<EntryRow>(sql, params)).rows[0];
      return row ? rowToEntry(row) : null;
    },
    iterate: async function* (batchSize = 1000) {
      let after = 0;
      for (;;) {
        const { rows } = await db.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`, [
          after,
          batchSize,
        ]);
        for (const row of rows) yield rowToEntry(row);
        const lastRow = rows.at(-1);
        if (rows.length < batchSize || lastRow === undefined) return;
        after = Number(lastRow.seq);
      }
    },
    getMeta: async (key) =>
      (await db.query<{ value: string }>('SELECT value FROM audit_meta WHERE key = $1', [key])).rows[0]?.value ?? null,
    setMeta: async (key, value) => {
      await db.query(
        'INSERT INTO audit_meta (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        [key, value, now().toISOString()],
      );
    },
    close: () => db.close(),
    indexTicketKeys: async (input) => {
      const at = now().toISOString();
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM ticket_pull_requests WHERE repo = $1 AND pr_number = $2', [input.repo, input.prNumber]);
        for (const key of new Set(input.keys.map((k) => k.toUpperCase()))) {
          await tx.query(
            'INSERT INTO ticket_pull_requests (ticket_key, repo, pr_number, installation_id, head_sha, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
            [key, input.repo, input.prNumber, input.installationId, input.headSha, at],
          );
        }
      });
    },
    pullRequestsForTicket: async (key) => {
      const { rows } = await db.query<{
        repo: string;
        pr_number: number;
        installation_id: string | number;
        head_sha: string;
        updated_at: string;
      }>(
        'SELECT repo, pr_number, installation_id, head_sha, updated_at FROM ticket_pull_requests WHERE ticket_key = $1 ORDER BY repo, pr_number',
        [key.toUpperCase()],
      );
      // bigint comes back as text from pg.
      return rows.map((r) => ({
        repo: r.repo,
        prNumber: r.pr_number,
        installationId: Number(r.installation_id),
        headSha: r.head_sha,
        updatedAt: r.updated_at,
      }));
    },
    reconciliationWatermarks: async (repo) => {
      const { rows } = await db.query<ReconciliationWatermark>(
        'SELECT repo, reconciled_from AS "from", reconciled_up_to AS "upTo" FROM reconciliation_watermarks WHERE ($1::text IS NULL OR repo = $1) ORDER BY repo',
        [repo ?? null],
      );
      return rows.map((r) => ({ repo: r.repo, from: r.from, upTo: r.upTo }));
    },
    setReconciliationWatermark: async (w) => {
      await db.query(
        `INSERT INTO reconciliation_watermarks (repo, reconciled_from, reconciled_up_to, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (repo) DO UPDATE SET reconciled_from = excluded.reconciled_from, reconciled_up_to = excluded.reconciled_up_to, updated_at = excluded.updated_at`,
        [w.repo, w.from, w.upTo, now().toISOString()],
      );
    },
    ticketIndexPage: async ({ afterKey, limit }) => {
      const { rows } = await db.query<{
        ticket_key: string;
        repo: string;
        pr_number: number;
        installation_id: string | number;
        head_sha: string;
        updated_at: string;
      }>(
        // COLLATE "C": byte order, as SQLite compares, so the page cursor means the same on both stores.
        'SELECT ticket_key, repo, pr_number, installation_id, head_sha, updated_at FROM ticket_pull_requests WHERE ticket_key COLLATE "C" > $1 ORDER BY ticket_key COLLATE "C", repo, pr_number LIMIT $2',
        [afterKey ?? '', limit],
      );
      return rows.map((r) => ({
        ticketKey: r.ticket_key,
        repo: r.repo,
        prNumber: r.pr_number,
        installationId: Number(r.installation_id),
        headSha: r.head_sha,
        updatedAt: r.updated_at,
      }));
    },
  };
}
