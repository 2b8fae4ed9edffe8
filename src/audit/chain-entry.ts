import canonicalize from 'canonicalize';
import { z } from 'zod';
import { NewAuditEntry, type AuditEntry } from './audit-entry.js';
import { entryHash } from './canonical-hash.js';
import type { AuditSigner } from './signing.js';

/** An entry ready to insert: the entry as it will read back, plus the columns that are not in it. */
export interface ChainedEntry {
  entry: AuditEntry;
  /** `data` as canonical JSON: stored as text, so parsing it back re-hashes to the same hash. */
  dataJson: string;
  /** `at` in epoch milliseconds, for time filters (`at` itself is kept as written, for the hash). */
  atMs: number;
  idempotencyKey: string | null;
}

/** Validates an entry before it is appended; the message says which field is wrong. */
export function validateNewEntry(input: unknown): NewAuditEntry {
  const parsed = NewAuditEntry.safeParse(input);
  if (!parsed.success) throw new Error(`invalid audit entry: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The key that makes a redelivered webhook add nothing: the same delivery, kind, repo and PR. Work not
 * caused by a webhook (null delivery id) is never deduplicated.
 */
export function idempotencyKey(entry: NewAuditEntry): string | null {
  if (entry.deliveryId === null) return null;
  return [entry.deliveryId, entry.kind, entry.repo, entry.prNumber ?? ''].join('|');
}

/** Places a validated entry at `seq` after `prevHash`: hash, and signature when a signer is given. */
export function chainEntry(options: { input: NewAuditEntry; seq: number; prevHash: string; signer?: AuditSigner }): ChainedEntry {
  const { input, seq, prevHash, signer } = options;
  const dataJson = canonicalize(input.data);
  if (dataJson === undefined) throw new Error('invalid audit entry: data cannot be written as JSON');
  const unsigned = {
    seq,
    at: input.at,
    deliveryId: input.deliveryId,
    kind: input.kind,
    repo: input.repo,
    prNumber: input.prNumber,
    headSha: input.headSha,
    // What a reader will get back: values JSON cannot hold (undefined, functions) are already gone.
    data: JSON.parse(dataJson) as Record<string, unknown>,
    prevHash,
  };
  const hash = entryHash(unsigned, prevHash);
  const signature = signer ? signer.sign(hash) : null;
  return { entry: { ...unsigned, hash, signature }, dataJson, atMs: Date.parse(input.at), idempotencyKey: idempotencyKey(input) };
}
