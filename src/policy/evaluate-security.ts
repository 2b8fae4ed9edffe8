import type { SecurityConfig } from './config-schema.js';
import { SEVERITIES, type CodeScanningAlertFact, type SecurityFacts, type Severity } from './security-facts.js';
import type {
  CodeScanningEvidence,
  DependencyEvidence,
  DismissedAlertEvidence,
  SecurityFinding,
  SecurityResult,
  SeverityCounts,
} from './security-result.js';

const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);
/** Dependency review writes `moderate` where code scanning writes `medium`: one scale here. */
export const fromDependencySeverity = (level: 'critical' | 'high' | 'moderate' | 'low'): Severity =>
  level === 'moderate' ? 'medium' : level;
const atOrAbove = (severity: Severity, threshold: Severity): boolean => rank(severity) <= rank(threshold);

function noCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0 };
}

/**
 * A dismissal resolves an alert only when GitHub says who made it and that person is not a party to the change:
 * an author who dismisses the alerts of their own PR has not had them reviewed.
 */
function judgeDismissal(alert: CodeScanningAlertFact, contributors: ReadonlyMap<string, string>): DismissedAlertEvidence {
  const d = alert.dismissal;
  const by = d?.by ?? null;
  const party = by === null ? null : (contributors.get(by.toLowerCase()) ?? null);
  const reason = d?.reason ?? null;
  const detail =
    by === null
      ? 'GitHub does not say who dismissed it: counted as open'
      : party !== null
        ? `dismissed by @${by}, ${party}: a party to the change cannot resolve its findings, counted as open`
        : `dismissed by @${by} as ${reason ?? 'no reason given'}`;
  return {
    number: alert.number,
    ruleId: alert.ruleId,
    severity: alert.severity,
    by,
    reason,
    comment: d?.comment ?? null,
    at: d?.at ?? null,
    counted: by !== null && party === null,
    detail,
    url: alert.url,
  };
}

function alertFinding(alert: CodeScanningAlertFact, note: string | null): SecurityFinding {
  return {
    source: 'code_scanning',
    severity: alert.severity,
    what: alert.ruleId,
    title: alert.ruleName,
    where: alert.path === null ? null : alert.line === null ? alert.path : `${alert.path}:${alert.line}`,
    id: `#${alert.number}`,
    url: alert.url,
    tool: alert.tool,
    note,
  };
}

function codeScanning(
  facts: NonNullable<SecurityFacts['codeScanning']>,
  blockAt: Severity,
  contributors: ReadonlyMap<string, string>,
): { evidence: CodeScanningEvidence; blocking: SecurityFinding[] } {
  const base = { blockAt, counts: noCounts(), dismissed: [] as DismissedAlertEvidence[] };
  if (!facts.analysed) {
    const evidence = { ...base, analysed: false, waiting: facts.detail, commitSha: null, tools: [], analysisIds: [], preExisting: 0 };
    return { evidence, blocking: [] };
  }
  const blocking: SecurityFinding[] = [];
  for (const alert of facts.introduced) {
    let note: string | null = null;
    if (alert.state === 'dismissed') {
      const judged = judgeDismissal(alert, contributors);
      base.dismissed.push(judged);
      if (judged.counted) continue;
      note = judged.detail;
    }
    base.counts[alert.severity] += 1;
    if (atOrAbove(alert.severity, blockAt)) blocking.push(alertFinding(alert, note));
  }
  const evidence: CodeScanningEvidence = {
    ...base,
    analysed: true,
    waiting: null,
    commitSha: facts.commitSha,
    tools: [...new Set(facts.analyses.map((a) => a.tool))].sort(),
    analysisIds: facts.analyses.map((a) => a.id).sort((a, b) => a - b),
    preExisting: facts.preExisting,
  };
  return { evidence, blocking };
}

function dependencies(
  facts: NonNullable<SecurityFacts['dependencies']>,
  blockAt: DependencyEvidence['blockAt'],
): { evidence: DependencyEvidence; blocking: SecurityFinding[] } {
  const counts = noCounts();
  const blocking: SecurityFinding[] = [];
  const threshold = fromDependencySeverity(blockAt);
  for (const dep of facts.added) {
    for (const v of dep.vulnerabilities) {
      counts[v.severity] += 1;
      if (!atOrAbove(v.severity, threshold)) continue;
      blocking.push({
        source: 'dependencies',
        severity: v.severity,
        what: `${dep.name}@${dep.version} (${dep.ecosystem})`,
        title: v.summary,
        where: dep.manifest,
        id: v.ghsaId,
        url: v.url,
        tool: null,
        note: null,
      });
    }
  }
  return { evidence: { blockAt, basehead: facts.basehead, added: facts.added.length, counts, waiting: facts.snapshotWarnings }, blocking };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The security control: no code scanning alert the PR introduces, and no vulnerability of a dependency it adds,
 * at or above the policy's thresholds. Alerts the base branch already has never block; a dismissed alert is
 * resolved only when someone other than a party to the change dismissed it (recorded with the reason). Without
 * an analysis of the head, or while GitHub warns that the dependency snapshots compared are incomplete, the control
 * waits; the facts' absence (not read) is the caller's error, never a pass.
 */
export function evaluateSecurity(input: {
  config: SecurityConfig;
  facts: SecurityFacts;
  headSha: string;
  /** Lower-case login of each party to the change (the author and contributors) to why they are one. */
  contributors: ReadonlyMap<string, string>;
}): SecurityResult {
  const { config, facts, headSha } = input;
  if ((config.code_scanning && !facts.codeScanning) || (config.dependencies && !facts.dependencies)) {
    // A configured source with no facts is a bug of the caller: never a pass.
    throw new Error('security facts missing for a configured source');
  }
  const scanned =
    config.code_scanning && facts.codeScanning ? codeScanning(facts.codeScanning, config.code_scanning.block_at, input.contributors) : null;
  const deps = config.dependencies && facts.dependencies ? dependencies(facts.dependencies, config.dependencies.block_at) : null;
  const blocking = [...(scanned?.blocking ?? []), ...(deps?.blocking ?? [])].sort((a, b) => rank(a.severity) - rank(b.severity));
  const evidence = { headSha, codeScanning: scanned?.evidence ?? null, dependencies: deps?.evidence ?? null, blocking };
  const alerts = blocking.filter((f) => f.source === 'code_scanning').length;
  const vulnerable = blocking.filter((f) => f.source === 'dependencies').length;
  if (blocking.length > 0) {
    const parts = [
      ...(alerts > 0
        ? [`${plural(alerts, 'code scanning alert', 'code scanning alerts')} at ${config.code_scanning?.block_at} or above`]
        : []),
      ...(vulnerable > 0
        ? [`${plural(vulnerable, 'dependency vulnerability', 'dependency vulnerabilities')} at ${config.dependencies?.block_at} or above`]
        : []),
    ];
    return {
      control: 'security',
      outcome: 'failure',
      summary: `New security findings: ${parts.join(', ')}`,
      nextStep:
        'Fix the findings listed and push; a false positive may be dismissed in GitHub by someone who is not a party to the change (their reason is recorded).',
      evidence,
    };
  }
  const short = headSha.slice(0, 7);
  const waiting = [
    ...(scanned && !scanned.evidence.analysed
      ? [
          {
            what: `code scanning of ${short}`,
            next: `${scanned.evidence.waiting ?? 'No analysis yet'}; check that code scanning runs on pull requests into this branch.`,
          },
        ]
      : []),
    ...(deps?.evidence.waiting
      ? [
          {
            what: `complete dependency snapshots of ${short}`,
            next: `GitHub says the dependency comparison may be incomplete (${deps.evidence.waiting}); check that dependency submission runs for the base branch and for this head.`,
          },
        ]
      : []),
  ];
  if (waiting.length > 0) {
    return {
      control: 'security',
      outcome: 'pending',
      summary: `Waiting for ${waiting.map((w) => w.what).join(' and ')}`,
      nextStep: waiting.map((w) => w.next).join(' '),
      evidence,
    };
  }
  const checked = [
    ...(config.code_scanning ? [`code scanning at ${config.code_scanning.block_at}`] : []),
    ...(config.dependencies ? [`dependencies at ${config.dependencies.block_at}`] : []),
  ];
  return {
    control: 'security',
    outcome: 'success',
    summary: `No new security findings (${checked.join(', ')} or above)`,
    nextStep: null,
    evidence,
  };
}
