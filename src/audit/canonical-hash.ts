import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditEntry } from './audit-entry.js';

/** The fields an entry's hash covers: everything but the hash and the signature. */
export type HashedFields = Omit<AuditEntry, 'hash' | 'signature'>;

/**
 * Canonical JSON (RFC 8785) of the hashed fields. Built field by field so that extra properties on the
 * argument (a stored row, a returned entry) can never slip into the hash.
 */
export function canonicalEntryJson(entry: HashedFields): string {
  const fields = {
    seq: entry.seq,
    at: entry.at,
    deliveryId: entry.deliveryId,
    kind: entry.kind,
    repo: entry.repo,
    prNumber: entry.prNumber,
    headSha: entry.headSha,
    data: entry.data,
    prevHash: entry.prevHash,
  };
  const json = canonicalize(fields);
  // canonicalize returns undefined only for undefined input; fields is always an object.
  if (json === undefined) throw new Error('audit entry cannot be canonicalized');
  return json;
}

/** `sha256(canonical JSON of the entry + previous hash)`, lowercase hex. */
export function entryHash(entry: HashedFields, prevHash: string): string {
  return createHash('sha256')
    .update(canonicalEntryJson(entry) + prevHash, 'utf8')
    .digest('hex');
}
