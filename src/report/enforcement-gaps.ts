import type { EnforcementStatus } from '../policy/enforcement.js';
import type { AuditEntry, AuditStore } from '../audit/audit-entry.js';
import { EnforcementRecord, entryIntact } from '../audit/enforcement-records.js';

/**
 * A time during which a controlled branch's gate was recorded as not in force (`not-enforced`, or `unknown`,
 * which is not "enforced"): from the entry that recorded it until the next entry for the branch that records it
 * enforced again (null: still not in force at the end of the store).
 */
export interface EnforcementGap {
  repo: string;
  branch: string;
  status: Exclude<EnforcementStatus, 'enforced'>;
  from: string;
  to: string | null;
  /** The entry that opened the gap, and its hash. */
  seq: number;
  hash: string;
  reasons: string[];
}

/** The gaps that overlap [since, until), from `enforcement` entries in sequence order (pure). */
export function findGaps(entries: readonly AuditEntry[], period: { since: string; until: string }): EnforcementGap[] {
  const open = new Map<string, EnforcementGap>();
  const gaps: EnforcementGap[] = [];
  for (const entry of entries) {
    const parsed = EnforcementRecord.safeParse(entry.data);
    const branch = parsed.success ? parsed.data.state.branch : '';
    const key = `${entry.repo}\u0000${branch}`;
    // An entry that no longer matches its hash or shape is not evidence of enforcement: it opens a gap too.
    const status: EnforcementStatus = parsed.success && entryIntact(entry) ? parsed.data.state.status : 'unknown';
    const current = open.get(key);
    if (status === 'enforced') {
      if (current) {
        current.to = entry.at;
        open.delete(key);
      }
      continue;
    }
    if (current?.status === status) continue;
    if (current) current.to = entry.at;
    const reasons = parsed.success ? parsed.data.state.reasons : ['the entry does not match its hash or is not an enforcement record'];
    const gap: EnforcementGap = { repo: entry.repo, branch, status, from: entry.at, to: null, seq: entry.seq, hash: entry.hash, reasons };
    open.set(key, gap);
    gaps.push(gap);
  }
  const [since, until] = [Date.parse(period.since), Date.parse(period.until)];
  return gaps.filter((gap) => Date.parse(gap.from) < until && (gap.to === null || Date.parse(gap.to) > since));
}

/**
 * The enforcement gaps overlapping [since, until), read from the store. Every `enforcement` entry is read, also
 * those after `until`, so a gap that ended after the period says when (entries are written only on a change: few).
 */
export async function readEnforcementGaps(input: {
  store: AuditStore;
  since: string;
  until: string;
  repo?: string;
}): Promise<EnforcementGap[]> {
  const entries = await input.store.list({ kinds: ['enforcement'], ...(input.repo ? { repo: input.repo } : {}) });
  return findGaps(entries, input);
}
