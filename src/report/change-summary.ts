import type { ChangeType, MergeEvidence } from '../audit/evidence-records.js';

/** What makes a merged change an exception: a merge past a non-passing verdict, or an emergency change (overdue: no retrospective approval by its due time). */
export type ChangeException = 'bypass' | 'emergency' | 'emergency-overdue';

/** One merged change (a merged PR) as the dashboard shows it, built from its `merge` entry and the exceptions that concern it. */
export interface ChangeSummary {
  repo: string;
  prNumber: number;
  title: string;
  url: string;
  author: string;
  mergedAt: string;
  mergedBy: string | null;
  mergeSha: string | null;
  headSha: string;
  baseRef: string;
  ticket: string | null;
  approvers: string[];
  /** The security control's counts at merge, one line per source (`code_scanning critical=0 high=1 …`); empty without `security:`. */
  security: string[];
  /** The last verdict the gate published before the merge (`none`: no verdict recorded). */
  gateState: string;
  atMergeState: string;
  /** How far the merge's evidence goes (`unverified`: only the claim from the delivery so far). */
  evidence: MergeEvidence;
  /** Every control passed: the gate's last verdict was `success` and nothing was bypassed or waived. */
  passed: boolean;
  exceptions: ChangeException[];
  /** How the change was governed: a standard change class, an emergency waiver, or a normal change with its own ticket. */
  changeType: ChangeType;
  /** The standard change class that covered it; null for a normal or emergency change. */
  standardClass: string | null;
  /** The `merge` entry: the change's evidence. */
  mergeSeq: number;
  /** The time of the merge entry (the period filter applies to it, as in `audit export`). */
  at: string;
}
