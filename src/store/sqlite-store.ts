import Database from 'better-sqlite3';
import {
  GENESIS_HASH,
  type AuditEntry,
  type NewAuditEntry,
  type IndexedTicketPullRequest,
  type TicketIndexUpdate,
  type TicketPullRequest,
} from '../audit/audit-entry.js';
import type { BatchingAuditStore } from './batching-audit-store.js';
import { chainEntry, validateNewEntry } from '../audit/chain-entry.js';
import { ENTRY_COLUMNS, rowToEntry, type EntryRow } from './entry-row.js';
import { filterToSql } from './filter-sql.js';
import { groupCommit } from './group-commit.js';
import { createSqliteQueueStore } from './sqlite-queue-store.js';
import { createSqliteCreatedTickets } from './sqlite-created-tickets.js';
import { migrateSqlite } from './migrations.js';
import type { ReconciliationWatermark } from '../audit/reconciliation-watermark.js';
import type { AuditSigner } from '../audit/signing.js';

export interface SqliteAuditStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
  signer?: AuditSigner;
  now?: () => Date;
}

/** The SQLite audit store (the default). Migrates the file at open. */
export function createSqliteAuditStore(options: SqliteAuditStoreOptions): BatchingAuditStore {
  const now = options.now ?? (() => new Date());
  const db = new Database(options.path);
  try {
    // WAL lets readers (the web pages, `audit verify`) run while the app appends; FULL makes each
    // committed entry durable before append returns. busy_timeout: wait for another process's append.
    if (options.path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrateSqlite(db, now);
  } catch (error) {
    db.close();
    throw error;
  }

  const head = db.prepare('SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1');
  // ON CONFLICT DO NOTHING on the idempotency key: a redelivery inserts nothing and returns no row.
  const insert = db.prepare(
    `INSERT INTO audit_entries (seq, at, at_ms, delivery_id, kind, repo, pr_number, head_sha, data, prev_hash, hash, signature, idempotency_key)
     VALUES (@seq, @at, @atMs, @deliveryId, @kind, @repo, @prNumber, @headSha, @data, @prevHash, @hash, @signature, @idempotencyKey)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING seq`,
  );
  const page = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?`);
  const getMeta = db.prepare('SELECT value FROM audit_meta WHERE key = ?').pluck();
  const setMeta = db.prepare(
    'INSERT INTO audit_meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );

  const watermarks = db.prepare(
    'SELECT repo, reconciled_from AS "from", reconciled_up_to AS upTo FROM reconciliation_watermarks WHERE (? IS NULL OR repo = ?) ORDER BY repo',
  );
  const setWatermark = db.prepare(
    `INSERT INTO reconciliation_watermarks (repo, reconciled_from, reconciled_up_to, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (repo) DO UPDATE SET reconciled_from = excluded.reconciled_from, reconciled_up_to = excluded.reconciled_up_to, updated_at = excluded.updated_at`,
  );

  const dropTicketKeys = db.prepare('DELETE FROM ticket_pull_requests WHERE repo = ? AND pr_number = ?');
  const addTicketKey = db.prepare(
    'INSERT INTO ticket_pull_requests (ticket_key, repo, pr_number, installation_id, head_sha, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const ticketPulls = db.prepare(
    'SELECT repo, pr_number AS prNumber, installation_id AS installationId, head_sha AS headSha, updated_at AS updatedAt FROM ticket_pull_requests WHERE ticket_key = ? ORDER BY repo, pr_number',
  );
  const ticketIndexPage = db.prepare(
    'SELECT ticket_key AS ticketKey, repo, pr_number AS prNumber, installation_id AS installationId, head_sha AS headSha, updated_at AS updatedAt FROM ticket_pull_requests WHERE ticket_key > ? ORDER BY ticket_key, repo, pr_number LIMIT ?',
  );
  const replaceTicketKeys = db.transaction((input: TicketIndexUpdate, at: string) => {
    dropTicketKeys.run(input.repo, input.prNumber);
    for (const key of new Set(input.keys.map((k) => k.toUpperCase())))
      addTicketKey.run(key, input.repo, input.prNumber, input.installationId, input.headSha, at);
  });

  const appendAll = db.transaction((inputs: NewAuditEntry[]): Array<AuditEntry | null> => {
    const last = head.get() as { seq: number; hash: string } | undefined;
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const results: Array<AuditEntry | null> = [];
    for (const input of inputs) {
      const chained = chainEntry({ input, seq: seq + 1, prevHash, signer: options.signer });
      const { entry } = chained;
      const inserted = insert.get({ ...entry, atMs: chained.atMs, data: chained.dataJson, idempotencyKey: chained.idempotencyKey });
      if (inserted === undefined) {
        results.push(null);
        continue;
      }
      seq = entry.seq;
      prevHash = entry.hash;
      results.push(entry);
    }
    return results;
  });

  function appendMany(entries: readonly NewAuditEntry[]): Array<AuditEntry | null> {
    const inputs = entries.map((entry) => validateNewEntry(entry));
    // IMMEDIATE takes the write lock before reading the head, so two processes on one file cannot both
    // chain onto the same entry.
    return appendAll.immediate(inputs);
  }

  // Appends made in the same event-loop turn (a burst of webhooks) share one transaction and one fsync; each
  // caller still resolves after its entry is committed, and a bad entry fails only its own caller.
  const appendGrouped = groupCommit((entries: NewAuditEntry[]) => appendMany(entries));

  return {
    kind: 'sqlite',
    append: async (entry) => (await appendGrouped(entry)) ?? null,
    appendMany: async (entries) => appendMany(entries),
    queue: createSqliteQueueStore(db),
    createdTickets: createSqliteCreatedTickets(db, now),
    list: async (filter) => {
      const { sql, params } = filterToSql(filter, () => '?');
      return (db.prepare(sql).all(...params) as EntryRow[]).map(rowToEntry);
    },
    latest: async (filter) => {
      const { sql, params } = filterToSql({ ...filter, newestFirst: true, limit: 1 }, () => '?');
      const row = db.prepare(sql).get(...params) as EntryRow | undefined;
      return row ? rowToEntry(row) : null;
    },
    iterate: async function* (batchSize = 1000) {
      let after = 0;
      for (;;) {
        const rows = page.all(after, batchSize) as EntryRow[];
        for (const row of rows) yield rowToEntry(row);
        const lastRow = rows.at(-1);
        if (rows.length < batchSize || lastRow === undefined) return;
        after = Number(lastRow.seq);
      }
    },
    getMeta: async (key) => (getMeta.get(key) as string | undefined) ?? null,
    setMeta: async (key, value) => {
      setMeta.run(key, value, now().toISOString());
    },
    close: async () => {
      db.close();
    },
    indexTicketKeys: async (input) => {
      replaceTicketKeys(input, now().toISOString());
    },
    pullRequestsForTicket: async (key) => ticketPulls.all(key.toUpperCase()) as TicketPullRequest[],
    reconciliationWatermarks: async (repo) => watermarks.all(repo ?? null, repo ?? null) as ReconciliationWatermark[],
    setReconciliationWatermark: async (w) => {
      setWatermark.run(w.repo, w.from, w.upTo, now().toISOString());
    },
    ticketIndexPage: async ({ afterKey, limit }) => ticketIndexPage.all(afterKey ?? '', limit) as IndexedTicketPullRequest[],
  };
}
