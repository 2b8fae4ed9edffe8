/** Code scanning and the dependency graph of one simulated repository (security-state.ts changes them). */

export type SecuritySeverity = 'critical' | 'high' | 'medium' | 'low';

/** `enabled`; `disabled` (the feature is off: GitHub's 403 with its message); `no-permission` (the app lacks the permission). */
export type FeatureState = 'enabled' | 'disabled' | 'no-permission';

export interface SimAnalysis {
  id: number;
  /** `refs/pull/N/merge` or `refs/heads/<branch>`. */
  ref: string;
  commitSha: string;
  tool: string;
  category: string;
  createdAt: string;
}

export interface SimAlert {
  number: number;
  ruleId: string;
  ruleName: string;
  securitySeverity: SecuritySeverity | null;
  severity: 'error' | 'warning' | 'note' | 'none';
  tool: string;
  path: string;
  line: number;
  createdAt: string;
  dismissal: { by: string; reason: 'false positive' | "won't fix" | 'used in tests'; comment: string; at: string } | null;
  /** Where the alert was found: ref to the commit of its latest instance there and whether it is still there. */
  instances: Map<string, { commitSha: string; state: 'open' | 'fixed' }>;
}

export interface SimDependencyChange {
  changeType: 'added' | 'removed';
  manifest: string;
  ecosystem: string;
  name: string;
  version: string;
  vulnerabilities: { severity: 'critical' | 'high' | 'moderate' | 'low'; ghsaId: string; summary: string }[];
}

export interface SimSecurity {
  codeScanning: FeatureState;
  dependencyGraph: FeatureState;
  analyses: SimAnalysis[];
  alerts: SimAlert[];
  /** What the dependency review of `…...head` lists, by head commit. */
  dependencyChanges: Map<string, SimDependencyChange[]>;
  /** GitHub's snapshot warning for a comparison of that head (sent base64-encoded in a header), by head commit. */
  snapshotWarnings: Map<string, string>;
}

export function createSecurity(): SimSecurity {
  return {
    codeScanning: 'enabled',
    dependencyGraph: 'enabled',
    analyses: [],
    alerts: [],
    dependencyChanges: new Map(),
    snapshotWarnings: new Map(),
  };
}
