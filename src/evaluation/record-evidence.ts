import type { AuditEntry, NewAuditEntry } from '../audit/audit-entry.js';
import type { AppDeps } from './app-deps.js';

/** One piece of evidence: what happened, to which PR or commit, from which delivery, with its record. */
export type Evidence = Omit<NewAuditEntry, 'at' | 'data'> & {
  /** When it happened; the app's clock when omitted (a verdict or a merge carries its own time). */
  at?: string;
  /** The record (a zod-typed `*Record` of audit/evidence-records.ts or deployment-records.ts). */
  data: object;
};

/**
 * Appends evidence to the audit store: the one way the app writes an entry. Resolves to the entry, or null when
 * the store already holds it (a redelivery: same delivery id and kind).
 */
export function recordEvidence(deps: Pick<AppDeps, 'audit' | 'now'>, evidence: Evidence): Promise<AuditEntry | null> {
  const { at, data, ...entry } = evidence;
  return deps.audit.append({ ...entry, at: at ?? deps.now().toISOString(), data: { ...data } });
}
