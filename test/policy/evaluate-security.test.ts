import { describe, expect, it } from '@jest/globals';
import type { SecurityConfig } from '../../src/policy/config-schema.js';
import { evaluateSecurity } from '../../src/policy/evaluate-security.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { AddedDependencyFact, CodeScanningAlertFact, CodeScanningFacts, SecurityFacts } from '../../src/policy/security-facts.js';
import type { ControlOutcome } from '../../src/policy/verdict.js';
import { aConfig, aKeySearch, aPullRequest, AUTHOR, HEAD_SHA, NOW, POLICY } from './builders.js';

const MERGE = 'e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1';
const PARTIES = new Map([
  [AUTHOR, 'the author'],
  ['carol', 'committed c0ffee1'],
]);

function anAlert(number: number, overrides: Partial<CodeScanningAlertFact> = {}): CodeScanningAlertFact {
  return {
    number,
    ruleId: 'js/sql-injection',
    ruleName: 'Database query built from user-controlled sources',
    severity: 'high',
    severityFrom: 'security_severity_level',
    tool: 'CodeQL',
    state: 'open',
    path: 'src/db.ts',
    line: 42,
    url: `https://github.example/acme/api/security/code-scanning/${number}`,
    dismissal: null,
    ...overrides,
  };
}

function dismissed(number: number, by: string | null, severity: CodeScanningAlertFact['severity'] = 'critical'): CodeScanningAlertFact {
  return anAlert(number, {
    severity,
    state: 'dismissed',
    dismissal: { by, reason: 'false positive', comment: 'sanitised upstream', at: NOW.toISOString() },
  });
}

function scanned(introduced: CodeScanningAlertFact[], preExisting = 0): CodeScanningFacts {
  return {
    analysed: true,
    commitSha: MERGE,
    analyses: [{ id: 7, tool: 'CodeQL', category: '/language:javascript', createdAt: NOW.toISOString() }],
    introduced,
    preExisting,
  };
}

function aDependency(name: string, severities: AddedDependencyFact['vulnerabilities'][number]['severity'][]): AddedDependencyFact {
  return {
    ecosystem: 'npm',
    name,
    version: '1.0.0',
    manifest: 'package-lock.json',
    vulnerabilities: severities.map((severity, i) => ({
      severity,
      ghsaId: `GHSA-${name}-000${i}`,
      summary: `${name} is vulnerable`,
      url: `https://github.com/advisories/GHSA-${name}-000${i}`,
    })),
  };
}

interface Row {
  name: string;
  config: SecurityConfig;
  facts: SecurityFacts;
  outcome: ControlOutcome;
  summary: RegExp;
  /** The ids of the blocking findings, most severe first. */
  blocking: string[];
}

const HIGH: SecurityConfig = { code_scanning: { block_at: 'high' } };
const DEPS: SecurityConfig = { dependencies: { block_at: 'critical' } };

describe('evaluateSecurity', () => {
  it.each<Row>([
    {
      name: 'no alerts on the merge ref',
      config: HIGH,
      facts: { codeScanning: scanned([]), dependencies: null },
      outcome: 'success',
      summary: /^No new security findings \(code scanning at high or above\)$/,
      blocking: [],
    },
    {
      name: 'a new high alert at block_at high',
      config: HIGH,
      facts: { codeScanning: scanned([anAlert(3)]), dependencies: null },
      outcome: 'failure',
      summary: /^New security findings: 1 code scanning alert at high or above$/,
      blocking: ['#3'],
    },
    {
      name: 'a new critical alert',
      config: HIGH,
      facts: { codeScanning: scanned([anAlert(4, { severity: 'critical' })]), dependencies: null },
      outcome: 'failure',
      summary: /1 code scanning alert/,
      blocking: ['#4'],
    },
    {
      name: 'a new medium alert under block_at high',
      config: HIGH,
      facts: { codeScanning: scanned([anAlert(5, { severity: 'medium' })]), dependencies: null },
      outcome: 'success',
      summary: /^No new security findings/,
      blocking: [],
    },
    {
      name: 'a new medium alert at block_at medium',
      config: { code_scanning: { block_at: 'medium' } },
      facts: { codeScanning: scanned([anAlert(5, { severity: 'medium' })]), dependencies: null },
      outcome: 'failure',
      summary: /at medium or above/,
      blocking: ['#5'],
    },
    {
      name: 'only alerts the base already has',
      config: HIGH,
      facts: { codeScanning: scanned([], 4), dependencies: null },
      outcome: 'success',
      summary: /^No new/,
      blocking: [],
    },
    {
      name: 'a critical alert dismissed by an independent reviewer',
      config: HIGH,
      facts: { codeScanning: scanned([dismissed(6, 'dave')]), dependencies: null },
      outcome: 'success',
      summary: /^No new/,
      blocking: [],
    },
    {
      name: 'a critical alert dismissed by the author',
      config: HIGH,
      facts: { codeScanning: scanned([dismissed(6, AUTHOR)]), dependencies: null },
      outcome: 'failure',
      summary: /1 code scanning alert/,
      blocking: ['#6'],
    },
    {
      name: 'a critical alert dismissed by a contributor (case differs)',
      config: HIGH,
      facts: { codeScanning: scanned([dismissed(6, 'Carol')]), dependencies: null },
      outcome: 'failure',
      summary: /1 code scanning alert/,
      blocking: ['#6'],
    },
    {
      name: 'a dismissal GitHub does not attribute',
      config: HIGH,
      facts: { codeScanning: scanned([dismissed(6, null)]), dependencies: null },
      outcome: 'failure',
      summary: /1 code scanning alert/,
      blocking: ['#6'],
    },
    {
      name: 'no analysis of the head yet',
      config: HIGH,
      facts: { codeScanning: { analysed: false, detail: 'no code scanning analysis of refs/pull/1/merge yet' }, dependencies: null },
      outcome: 'pending',
      summary: /^Waiting for code scanning of c0ffee1$/,
      blocking: [],
    },
    {
      name: 'no analysis yet, but a critical dependency',
      config: { ...HIGH, ...DEPS },
      facts: {
        codeScanning: { analysed: false, detail: 'none' },
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: null, added: [aDependency('lodash', ['critical'])] },
      },
      outcome: 'failure',
      summary: /^New security findings: 1 dependency vulnerability at critical or above$/,
      blocking: ['GHSA-lodash-0000'],
    },
    {
      name: 'a dependency with a critical vulnerability',
      config: DEPS,
      facts: {
        codeScanning: null,
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: null, added: [aDependency('lodash', ['high', 'critical'])] },
      },
      outcome: 'failure',
      summary: /1 dependency vulnerability/,
      blocking: ['GHSA-lodash-0001'],
    },
    {
      name: 'a dependency with a high vulnerability under block_at critical',
      config: DEPS,
      facts: {
        codeScanning: null,
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: null, added: [aDependency('lodash', ['high'])] },
      },
      outcome: 'success',
      summary: /^No new security findings \(dependencies at critical or above\)$/,
      blocking: [],
    },
    {
      name: 'a moderate vulnerability at block_at moderate',
      config: { dependencies: { block_at: 'moderate' } },
      facts: {
        codeScanning: null,
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: null, added: [aDependency('qs', ['medium'])] },
      },
      outcome: 'failure',
      summary: /at moderate or above/,
      blocking: ['GHSA-qs-0000'],
    },
    {
      name: 'both sources block, most severe first',
      config: { code_scanning: { block_at: 'low' }, dependencies: { block_at: 'low' } },
      facts: {
        codeScanning: scanned([anAlert(1, { severity: 'low' })]),
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: null, added: [aDependency('a', ['critical'])] },
      },
      outcome: 'failure',
      summary: /^New security findings: 1 code scanning alert at low or above, 1 dependency vulnerability at low or above$/,
      blocking: ['GHSA-a-0000', '#1'],
    },
    {
      name: 'GitHub warns the dependency snapshots are incomplete',
      config: DEPS,
      facts: {
        codeScanning: null,
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: 'No snapshots were found for the head SHA.', added: [] },
      },
      outcome: 'pending',
      summary: /^Waiting for complete dependency snapshots of c0ffee1$/,
      blocking: [],
    },
    {
      name: 'incomplete snapshots, but a critical dependency already',
      config: DEPS,
      facts: {
        codeScanning: null,
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: 'mismatch', added: [aDependency('x', ['critical'])] },
      },
      outcome: 'failure',
      summary: /1 dependency vulnerability/,
      blocking: ['GHSA-x-0000'],
    },
  ])('$name → $outcome', ({ config, facts, outcome, summary, blocking }) => {
    const result = evaluateSecurity({ config, facts, headSha: HEAD_SHA, contributors: PARTIES });
    expect(result.outcome).toBe(outcome);
    expect(result.summary).toMatch(summary);
    expect(result.evidence.blocking.map((f) => f.id)).toEqual(blocking);
    expect(result.nextStep === null).toBe(outcome === 'success');
  });

  it('records who dismissed an alert and why, and whether the dismissal counted', () => {
    const result = evaluateSecurity({
      config: HIGH,
      facts: { codeScanning: scanned([dismissed(6, 'dave'), dismissed(8, AUTHOR)]), dependencies: null },
      headSha: HEAD_SHA,
      contributors: PARTIES,
    });
    expect(result.evidence.codeScanning?.dismissed).toEqual([
      expect.objectContaining({
        number: 6,
        by: 'dave',
        reason: 'false positive',
        comment: 'sanitised upstream',
        counted: true,
        detail: 'dismissed by @dave as false positive',
      }),
      expect.objectContaining({ number: 8, by: AUTHOR, counted: false, detail: expect.stringContaining('a party to the change') }),
    ]);
    expect(result.evidence.blocking[0]?.note).toMatch(/a party to the change/);
  });

  it('keeps the counts by severity, the tools and the analysis ids as evidence', () => {
    const alerts = [anAlert(1, { severity: 'critical' }), anAlert(2, { severity: 'low' }), anAlert(3, { severity: 'low' })];
    const result = evaluateSecurity({
      config: { ...HIGH, ...DEPS },
      facts: {
        codeScanning: scanned(alerts, 2),
        dependencies: { basehead: `main...${HEAD_SHA}`, snapshotWarnings: null, added: [aDependency('x', ['medium'])] },
      },
      headSha: HEAD_SHA,
      contributors: PARTIES,
    });
    expect(result.evidence.codeScanning).toMatchObject({
      counts: { critical: 1, high: 0, medium: 0, low: 2 },
      tools: ['CodeQL'],
      analysisIds: [7],
      preExisting: 2,
      commitSha: MERGE,
    });
    expect(result.evidence.dependencies).toMatchObject({ added: 1, counts: { critical: 0, high: 0, medium: 1, low: 0 } });
  });
});

describe('evaluate with security:', () => {
  const input = (security: SecurityConfig | undefined, facts?: SecurityFacts) => ({
    config: { ...aConfig(), ...(security ? { security } : {}) },
    policy: POLICY,
    pr: aPullRequest(facts ? { security: facts } : {}),
    ticketSearch: aKeySearch(),
    ticketLookups: [],
    teamMembers: {},
    now: NOW,
  });

  it('adds no control when the policy has no security:', () => {
    const verdict = evaluate(input(undefined));
    expect(verdict.state !== 'error' && verdict.controls.map((c) => c.control)).toEqual(['ticket', 'approval', 'checks']);
  });

  it('fails the verdict on a blocking finding', () => {
    const verdict = evaluate(input(HIGH, { codeScanning: scanned([anAlert(9, { severity: 'critical' })]), dependencies: null }));
    expect(verdict.state !== 'error' && verdict.controls.map((c) => `${c.control}:${c.outcome}`).at(-1)).toBe('security:failure');
    expect(verdict.state).toBe('failure');
  });

  it('refuses to decide without the facts of a configured source (never a pass)', () => {
    expect(() => evaluate(input(HIGH))).toThrow(/security facts missing/);
  });
});
