import type { ControlOutcome } from './control.js';
import type { Severity } from './security-facts.js';

/** Findings by severity. */
export type SeverityCounts = Record<Severity, number>;

/** One finding that blocks the merge: a code scanning alert or a vulnerability of a dependency the PR adds. */
export interface SecurityFinding {
  source: 'code_scanning' | 'dependencies';
  severity: Severity;
  /** The rule id, or `package@version` (with its ecosystem). */
  what: string;
  /** The rule's name, or the advisory's summary. */
  title: string;
  /** `path:line` of the alert, or the manifest that adds the dependency; null when GitHub gives no location. */
  where: string | null;
  /** `#12` (the alert number), or the advisory's GHSA id. */
  id: string;
  url: string;
  /** The scanning tool of an alert; null for a dependency. */
  tool: string | null;
  /** Why a dismissed alert still blocks; null for an open alert or a dependency. */
  note: string | null;
}

/** A dismissed alert the PR introduces: who dismissed it and why, and whether the dismissal counts. */
export interface DismissedAlertEvidence {
  number: number;
  ruleId: string;
  severity: Severity;
  by: string | null;
  reason: string | null;
  comment: string | null;
  at: string | null;
  /** False when a party to the change dismissed it, or GitHub does not say who did: it then counts as open. */
  counted: boolean;
  detail: string;
  url: string;
}

export interface CodeScanningEvidence {
  blockAt: Severity;
  /** False while no analysis of the head exists (the control waits). */
  analysed: boolean;
  /** Why it waits; null once analysed. */
  waiting: string | null;
  /** The commit analysed (the head's test merge commit, or the head). */
  commitSha: string | null;
  tools: string[];
  analysisIds: number[];
  /** Alerts the PR introduces that are not resolved (open, or dismissed by a party to the change), by severity. */
  counts: SeverityCounts;
  /** Alerts of the PR that the base branch already has: they never block. */
  preExisting: number;
  dismissed: DismissedAlertEvidence[];
}

export interface DependencyEvidence {
  /** The threshold as the policy writes it (dependency review's scale: moderate, not medium). */
  blockAt: 'critical' | 'high' | 'moderate' | 'low';
  basehead: string;
  /** Dependencies the PR adds. */
  added: number;
  /** Vulnerabilities of the dependencies the PR adds, by severity (moderate counted as medium). */
  counts: SeverityCounts;
  /** GitHub's snapshot warnings: the comparison may be incomplete, so the control waits. Null: none. */
  waiting: string | null;
}

export interface SecurityEvidence {
  headSha: string;
  /** Null when `security.code_scanning` is not set. */
  codeScanning: CodeScanningEvidence | null;
  /** Null when `security.dependencies` is not set. */
  dependencies: DependencyEvidence | null;
  /** Every finding at or above its threshold, most severe first. */
  blocking: SecurityFinding[];
}

export interface SecurityResult {
  control: 'security';
  outcome: ControlOutcome;
  summary: string;
  nextStep: string | null;
  evidence: SecurityEvidence;
}
