import type { AuditEntry } from './audit-entry.js';
import { isFinalEvidence, MergeEvidence } from './evidence-records.js';

/** How far a `merge` entry's evidence goes; records written before claims existed are verified. */
export function mergeEvidenceOf(entry: AuditEntry): MergeEvidence {
  const parsed = MergeEvidence.safeParse(entry.data.evidence);
  return parsed.success ? parsed.data : 'verified';
}

/**
 * One `merge` entry per merged PR, in audit order: the evidence that completes a claim (`verified` or
 * `incomplete`) in place of its `unverified` claim, the claim alone while nothing completes it yet. A merge whose
 * evidence is still being read is thus in the population, visible as unverified, and never counted twice. A claim
 * GitHub `refuted` (the PR was not merged) leaves the population, unless a later claim (the real merge) follows.
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
    // A later entry replaces a claim or a refutation; neither replaces final evidence.
    if (!held || !isFinalEvidence(mergeEvidenceOf(held)) || isFinalEvidence(mergeEvidenceOf(entry))) byPr.set(key, entry);
  }
  return [...byPr.values(), ...loose].filter((entry) => mergeEvidenceOf(entry) !== 'refuted').sort((a, b) => a.seq - b.seq);
}
