import type { AccessReview } from '../policy/access-review.js';
import type { EnforcementState, EnforcementStatus } from '../policy/enforcement.js';
import type { AuditEntry, AuditStore } from '../audit/audit-entry.js';
import { AccessSnapshotRecord, EnforcementRecord, entryIntact } from '../audit/enforcement-records.js';

/** The state of one controlled branch at a date, from the last `enforcement` entry before it. */
export interface ControlAt {
  repo: string;
  branch: string;
  /** `unknown` too when the entry no longer matches its hash or its shape: evidence that cannot be trusted is not "enforced". */
  status: EnforcementStatus;
  /** When this state was recorded (it holds until the next entry for the branch). */
  since: string;
  seq: number;
  requiredBy: EnforcementState['requiredBy'];
  adminsEnforced: boolean | null;
  bypass: EnforcementState['bypass'];
  reasons: string[];
}

/** The access review of one repository at a date, from the last `access-snapshot` entry before it. */
export interface AccessAt {
  repo: string;
  since: string;
  seq: number;
  branches: string[];
  /** Null when the entry no longer matches its hash or its shape. */
  review: AccessReview | null;
  problem: string | null;
}

/** The exclusive upper bound that includes entries written at the instant `at` itself. */
const until = (at: string): string => new Date(Date.parse(at) + 1).toISOString();

/** The newest entry per key, in key order. */
function latestBy(entries: AuditEntry[], key: (entry: AuditEntry) => string): AuditEntry[] {
  const latest = new Map<string, AuditEntry>();
  for (const entry of entries) latest.set(key(entry), entry);
  return [...latest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, entry]) => entry);
}

const branchOf = (entry: AuditEntry): string => {
  const branch = (entry.data.state as { branch?: unknown } | undefined)?.branch;
  return typeof branch === 'string' ? branch : '';
};

/**
 * Was the gate in force at `at`, per repository and controlled branch, and who could bypass it: from the store
 * alone. Entries are written only when the state changes, so the last one before `at` is the state at `at`.
 */
export async function controlsAt(input: { store: AuditStore; at: string; repo?: string }): Promise<ControlAt[]> {
  const entries = await input.store.list({ kinds: ['enforcement'], until: until(input.at), ...(input.repo ? { repo: input.repo } : {}) });
  return latestBy(entries, (e) => `${e.repo}\u0000${branchOf(e)}`).map((entry) => {
    const parsed = EnforcementRecord.safeParse(entry.data);
    const base = { repo: entry.repo, branch: branchOf(entry), since: entry.at, seq: entry.seq };
    const problem = !entryIntact(entry)
      ? 'the entry does not match its hash (run change-control audit verify)'
      : !parsed.success
        ? 'the entry is not an enforcement record'
        : null;
    if (problem !== null || !parsed.success) {
      return {
        ...base,
        status: 'unknown' as const,
        requiredBy: [],
        adminsEnforced: null,
        bypass: { known: false as const, reason: problem ?? '' },
        reasons: [problem ?? ''],
      };
    }
    const { state } = parsed.data;
    return {
      ...base,
      status: state.status,
      requiredBy: state.requiredBy,
      adminsEnforced: state.adminsEnforced,
      bypass: state.bypass,
      reasons: state.reasons,
    };
  });
}

/** Who could approve, merge, push directly or bypass, per repository at `at`: from the store alone. */
export async function accessAt(input: { store: AuditStore; at: string; repo?: string }): Promise<AccessAt[]> {
  const entries = await input.store.list({
    kinds: ['access-snapshot'],
    until: until(input.at),
    ...(input.repo ? { repo: input.repo } : {}),
  });
  return latestBy(entries, (e) => e.repo).map((entry) => {
    const parsed = AccessSnapshotRecord.safeParse(entry.data);
    const problem = !entryIntact(entry)
      ? 'the entry does not match its hash (run change-control audit verify)'
      : !parsed.success
        ? 'the entry is not an access snapshot'
        : null;
    return {
      repo: entry.repo,
      since: entry.at,
      seq: entry.seq,
      branches: parsed.success ? parsed.data.branches : [],
      review: problem === null && parsed.success ? parsed.data.review : null,
      problem,
    };
  });
}
