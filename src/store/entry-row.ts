import type { AuditEntry, AuditKind } from '../audit/audit-entry.js';
import { CorruptEntryError } from '../audit/corrupt-entry-error.js';

/** The entry columns, in the order both stores select them. */
export const ENTRY_COLUMNS = 'seq, at, delivery_id, kind, repo, pr_number, head_sha, data, prev_hash, hash, signature';

export interface EntryRow {
  /** A string from PostgreSQL (bigint), a number from SQLite. */
  seq: number | string;
  at: string;
  delivery_id: string | null;
  kind: string;
  repo: string;
  pr_number: number | null;
  head_sha: string | null;
  data: string;
  prev_hash: string;
  hash: string;
  signature: string | null;
}

export function rowToEntry(row: EntryRow): AuditEntry {
  const seq = Number(row.seq);
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    throw new CorruptEntryError(seq);
  }
  return {
    seq,
    at: row.at,
    deliveryId: row.delivery_id,
    // Not re-validated: a tampered kind must still reach verifyChain, whose hash check reports it.
    kind: row.kind as AuditKind,
    repo: row.repo,
    prNumber: row.pr_number,
    headSha: row.head_sha,
    data,
    prevHash: row.prev_hash,
    hash: row.hash,
    signature: row.signature,
  };
}
