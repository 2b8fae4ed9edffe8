/**
 * What GitHub says about the security of a PR (src/github/read-security-findings.ts): code scanning alerts on its
 * merge ref and the dependency review of base...head. Plain data, read only when the policy has `security:`.
 */

/** One severity scale for both sources, most severe first; dependency review's `moderate` is `medium` here. */
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Who dismissed an alert in GitHub, why and when (GitHub's own record: never the PR's text). */
export interface AlertDismissal {
  /** Null when GitHub does not say (a deleted user): such a dismissal never counts. */
  by: string | null;
  reason: string | null;
  comment: string | null;
  at: string | null;
}

/** A code scanning alert present on the PR's merge ref and not on the base branch. */
export interface CodeScanningAlertFact {
  number: number;
  ruleId: string;
  ruleName: string;
  /** `rule.security_severity_level`, or `rule.severity` mapped (error → high, warning → medium, note/none → low). */
  severity: Severity;
  /** Which of the rule's two fields gave the severity. */
  severityFrom: 'security_severity_level' | 'severity';
  tool: string;
  state: 'open' | 'dismissed';
  path: string | null;
  line: number | null;
  url: string;
  /** Set when the alert is dismissed. */
  dismissal: AlertDismissal | null;
}

/** One code scanning analysis of the PR's head (GitHub's analysis id, the tool that uploaded it). */
export interface AnalysisFact {
  id: number;
  tool: string;
  category: string | null;
  createdAt: string;
}

export type CodeScanningFacts =
  /** No analysis of the head yet (none on the merge ref, or only of an earlier head): the control waits. */
  | { analysed: false; detail: string }
  | {
      analysed: true;
      /** The commit analysed: the test merge commit of the head (or the head itself). */
      commitSha: string;
      analyses: AnalysisFact[];
      /** Alerts of the merge ref that the base branch does not have, open or dismissed. */
      introduced: CodeScanningAlertFact[];
      /** How many alerts of the merge ref the base branch already has (they never block). */
      preExisting: number;
    };

export interface DependencyVulnerability {
  severity: Severity;
  ghsaId: string;
  summary: string;
  url: string;
}

/** A dependency the PR adds (dependency review `change_type: added`) with its known vulnerabilities. */
export interface AddedDependencyFact {
  ecosystem: string;
  name: string;
  version: string;
  manifest: string;
  vulnerabilities: DependencyVulnerability[];
}

export interface DependencyFacts {
  /** The comparison GitHub made: `base...head` as asked (the head SHA pins it). */
  basehead: string;
  added: AddedDependencyFact[];
  /**
   * GitHub's `X-GitHub-Dependency-Graph-Snapshot-Warnings`, decoded: the snapshots submitted for the base or the
   * head are missing or do not match, so the comparison may be incomplete (the control waits). Null: none.
   */
  snapshotWarnings: string | null;
}

export interface SecurityFacts {
  /** Null when `security.code_scanning` is not set (not read). */
  codeScanning: CodeScanningFacts | null;
  /** Null when `security.dependencies` is not set (not read). */
  dependencies: DependencyFacts | null;
}
