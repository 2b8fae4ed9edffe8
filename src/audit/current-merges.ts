import type { AuditEntry } from './audit-entry.js';
import { MergeEvidence } from './evidence-records.js';

/** How far a `merge` entry's evidence goes; records written before claims existed are verified. */
export function mergeEvidenceOf(entry: AuditEntry): MergeEvidence {
  const parsed = MergeEvidence.safeParse(entry.data.evidence);
  return parsed.success ? parsed.data : 'verified';
}

/**
 * One `merge` entry per merged PR, in audit order: the evidence that completes a claim (`verified` or
 * `incomplete`) in place of its `unverified` claim, the claim alone while nothing completes it yet. A merge whose
 * evidence is still being read is thus in the population, visible as unverified, and never counted twice.
 */
export function currentMerges(entries: AuditEntry[]): AuditEntry[] {
  const byPr = new Map<string, AuditEntry>();
  const loose: AuditEntry[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'merge') continue;
    if (entry.prNumber === null) {
      loose.push(entry);
      continue;
    }
    const key = `${entry.repo.toLowerCase()}#${entry.prNumber}`;
    const held = byPr.get(key);
    // A later entry replaces a claim; a claim never replaces evidence.
    if (!held || mergeEvidenceOf(held) === 'unverified' || mergeEvidenceOf(entry) !== 'unverified') byPr.set(key, entry);
  }
  return [...byPr.values(), ...loose].sort((a, b) => a.seq - b.seq);
}
