import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/cli/run-cli.js';
import { STANDARD_POLICY, type E2E } from './harness/start-e2e.js';
import { useE2E } from './harness/use-e2e.js';
import { codeScanningAlertEvent, pullRequestMergedEvent, type PullTarget } from './harness/webhooks.js';
import { unescapeMarkdown } from './harness/unescape-markdown.js';

/** The security control end to end: code scanning alerts of the PR's merge ref and GitHub's dependency review. */

let e2e: E2E;
const dir = mkdtempSync(join(tmpdir(), 'cc-e2e-security-'));
const database = `sqlite:${join(dir, 'audit.db')}`;
useE2E((started) => (e2e = started), {
  // A failed read is retried through the queue: quickly here.
  env: { DATABASE_URL: database, CHANGE_CONTROL_RETRY_BASE_MS: '300' },
  afterStop: () => rmSync(dir, { recursive: true, force: true }),
});

const SECURITY = ['security:', '  code_scanning: { block_at: high }', '  dependencies: { block_at: critical }', ''].join('\n');
const SQL_INJECTION = {
  ruleId: 'js/sql-injection',
  ruleName: 'Database query built from user-controlled sources',
  path: 'src/db.ts',
  line: 42,
};

function securedPullRequest(): PullTarget {
  const pr = e2e.openPullRequest(e2e.newRepo({ policy: `${STANDARD_POLICY}${SECURITY}` }));
  e2e.makeReady(pr);
  return pr;
}

const report = (checkRun: { output: { summary: string | null } } | undefined): string => unescapeMarkdown(checkRun?.output.summary ?? '');

describe('code scanning', () => {
  it('a new critical alert on the merge ref blocks, with the rule, severity, file:line and the alert in the report', async () => {
    const pr = securedPullRequest();
    e2e.github.analysePullRequest({ ...pr, alerts: [{ ...SQL_INJECTION, securitySeverity: 'critical' }] });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe('New security findings: 1 code scanning alert at high or above');
    const summary = report(checkRun);
    expect(summary).toMatch(
      /\| critical \| js\/sql-injection: Database query built from user-controlled sources \| src\/db.ts:42 \| \[alert #1\]\(.*\/security\/code-scanning\/1\) \(CodeQL\) \|/,
    );
    expect(summary).toMatch(
      /Code scanning \(blocks at high\) of `[0-9a-f]{7}` by CodeQL \(analyses \d+\): new alerts critical 1, high 0, medium 0, low 0; 0 already on the base branch/,
    );
  });

  it('an alert the base branch already has does not block', async () => {
    const pr = securedPullRequest();
    e2e.github.analyseBranch({ ...pr, alerts: [{ ...SQL_INJECTION, securitySeverity: 'critical' }] });
    e2e.github.analysePullRequest({ ...pr, alerts: [{ ...SQL_INJECTION, securitySeverity: 'critical' }] });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('success');
    expect(report(checkRun)).toContain('new alerts critical 0, high 0, medium 0, low 0; 1 already on the base branch (not blocking)');
  });

  it('a dismissal by someone independent resolves the alert, with who and why in the report; one by the author does not', async () => {
    const pr = securedPullRequest();
    const ownAlert = {
      ruleId: 'js/xss',
      ruleName: 'Cross-site scripting',
      path: 'src/page.ts',
      line: 7,
      securitySeverity: 'high' as const,
    };
    e2e.github.analysePullRequest({ ...pr, alerts: [{ ...SQL_INJECTION, securitySeverity: 'critical' }, ownAlert] });
    expect((await e2e.evaluate(pr)).status.state).toBe('failure');

    // The hostile author dismisses both; then a security reviewer dismisses the SQL injection as a false positive.
    e2e.github.dismissAlert({ ...pr, number: 2, by: 'alice', reason: "won't fix" });
    e2e.github.dismissAlert({ ...pr, number: 1, by: 'dave', reason: 'false positive', comment: 'the query is parameterised' });
    const after = await e2e.evaluate(pr, {
      event: 'code_scanning_alert',
      payload: codeScanningAlertEvent(pr, { action: 'closed_by_user', alertNumber: 1, sender: 'dave' }),
    });

    // The author's dismissal does not count: the verdict stays a failure, now for that alert alone.
    expect(after.status.state).toBe('failure');
    expect(after.status.description).toBe('New security findings: 1 code scanning alert at high or above');
    const summary = report(after.checkRun);
    expect(summary).toMatch(/✅ Alert \[#1\]\(.*\) \(js\/sql-injection, critical\) dismissed by @dave as false positive/);
    expect(summary).toMatch(
      /❌ Alert \[#2\]\(.*\) \(js\/xss, high\) dismissed by @alice, the author: a party to the change cannot resolve its findings, counted as open/,
    );
    expect(summary).toMatch(/\| high \| js\/xss: Cross-site scripting \| src\/page.ts:7 \|/);
    expect(summary).not.toMatch(/\| critical \| js\/sql-injection/);
  });

  it('without an analysis of the head the control waits; the analysis arriving (code_scanning_alert) decides', async () => {
    const pr = securedPullRequest();

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('pending');
    expect(status.description).toMatch(/^Waiting for code scanning of [0-9a-f]{7}$/);
    expect(report(checkRun)).toContain('no code scanning analysis of refs/pull/1/merge yet');

    e2e.github.analysePullRequest({ ...pr, alerts: [{ ...SQL_INJECTION, securitySeverity: 'high' }] });
    const later = await e2e.evaluate(pr, {
      event: 'code_scanning_alert',
      payload: codeScanningAlertEvent(pr, { action: 'created', alertNumber: 1 }),
    });
    expect(later.status.state).toBe('failure');
  });

  it('an analysis of an earlier head does not count: a push makes the control wait again', async () => {
    const pr = securedPullRequest();
    e2e.github.analysePullRequest({ ...pr, alerts: [] });
    e2e.github.pushCommit({ ...pr, files: { 'src/db.ts': 'query(input)' }, author: 'alice' });
    e2e.makeReady(pr, { ticketStatus: null });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('pending');
    expect(report(checkRun)).toMatch(
      /the newest analysis by CodeQL \/language:javascript-typescript \(\d+\) is of [0-9a-f]{7}, not of the head [0-9a-f]{7}/,
    );
  });

  it('waits until every tool and category has analysed the head (CodeQL analyses each language apart)', async () => {
    const pr = securedPullRequest();
    e2e.github.analysePullRequest({ ...pr, category: '/language:python', alerts: [] });
    e2e.github.pushCommit({ ...pr, files: { 'src/db.ts': 'query(input)' }, author: 'alice' });
    e2e.makeReady(pr, { ticketStatus: null });
    e2e.github.analysePullRequest({ ...pr, category: '/language:javascript-typescript', alerts: [] });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('pending');
    expect(report(checkRun)).toMatch(
      /the newest analysis by CodeQL \/language:python \(\d+\) is of [0-9a-f]{7}, not of the head [0-9a-f]{7}/,
    );
  });

  it('code scanning switched off (GitHub 403) is an error naming what to enable', async () => {
    const pr = securedPullRequest();
    e2e.github.setSecurityFeatures({ ...pr, codeScanning: 'disabled' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toMatch(/^Cannot evaluate: code scanning is not enabled for acme\/service-\d+ \(GitHub answered 403/);
    expect(report(checkRun)).toContain('Enable code scanning for the repository');
  });
});

describe('GitHub failing', () => {
  it('a code scanning read failing is an error (never a pass), retried through the queue until it clears', async () => {
    const pr = securedPullRequest();
    e2e.github.analysePullRequest({ ...pr, alerts: [{ ...SQL_INJECTION, securitySeverity: 'critical' }] });
    const failure = e2e.github.injectFailure({ path: /\/code-scanning\/alerts$/, status: 502 });

    const failed = await e2e.evaluate(pr);
    expect(failed.status.state).toBe('error');
    expect(failed.status.description).toMatch(/^Cannot evaluate: evaluation failed: /);

    const mark = e2e.github.mark();
    failure.clear();
    const retried = await e2e.verdict(pr, failed.headSha, mark);
    expect(retried.status.state).toBe('failure');
    expect(retried.status.description).toBe('New security findings: 1 code scanning alert at high or above');
  }, 60_000);
});

describe('the app without the permission', () => {
  it('is an error naming the permission to grant', async () => {
    const pr = securedPullRequest();
    e2e.github.setSecurityFeatures({ ...pr, codeScanning: 'no-permission' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toMatch(/^Cannot evaluate: the app may not read code scanning alerts of acme\/service-\d+/);
    expect(report(checkRun)).toContain('Grant the app the "Code scanning alerts: Read" permission (security_events)');
  });
});

describe('dependency review', () => {
  it('a dependency the PR adds with a critical vulnerability blocks, with package@version and the advisory', async () => {
    const pr = securedPullRequest();
    e2e.github.analysePullRequest({ ...pr, alerts: [] });
    e2e.github.setDependencyChanges({
      ...pr,
      changes: [
        {
          changeType: 'added',
          manifest: 'package-lock.json',
          ecosystem: 'npm',
          name: 'left-pad',
          version: '0.0.1',
          vulnerabilities: [{ severity: 'critical', ghsaId: 'GHSA-aaaa-bbbb-cccc', summary: 'Remote code execution' }],
        },
        {
          changeType: 'added',
          manifest: 'package-lock.json',
          ecosystem: 'npm',
          name: 'qs',
          version: '6.0.0',
          vulnerabilities: [{ severity: 'moderate', ghsaId: 'GHSA-dddd-eeee-ffff', summary: 'Prototype pollution' }],
        },
        {
          changeType: 'removed',
          manifest: 'package-lock.json',
          ecosystem: 'npm',
          name: 'lodash',
          version: '4.17.4',
          vulnerabilities: [{ severity: 'critical', ghsaId: 'GHSA-gggg-hhhh-iiii', summary: 'Old' }],
        },
      ],
    });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('failure');
    expect(status.description).toBe('New security findings: 1 dependency vulnerability at critical or above');
    const summary = report(checkRun);
    expect(summary).toMatch(
      /\| critical \| left-pad@0.0.1 \(npm\) \| package-lock.json \| \[GHSA-aaaa-bbbb-cccc\]\(https:\/\/github.com\/advisories\/GHSA-aaaa-bbbb-cccc\): Remote code execution \|/,
    );
    expect(summary).toMatch(
      /Dependency review \(blocks at critical\) of `main\.\.\.[0-9a-f]{40}`: 2 dependencies added; vulnerabilities critical 1, high 0, medium 1, low 0/,
    );
    expect(summary).not.toContain('GHSA-gggg');
  });

  it('waits while GitHub warns that the dependency snapshots compared are incomplete', async () => {
    const pr = securedPullRequest();
    e2e.github.analysePullRequest({ ...pr, alerts: [] });
    e2e.github.setDependencyChanges({ ...pr, changes: [], snapshotWarning: 'No snapshots were found for the head SHA.' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('pending');
    expect(status.description).toMatch(/^Waiting for complete dependency snapshots of [0-9a-f]{7}$/);
    expect(report(checkRun)).toContain('GitHub warns the comparison may be incomplete: No snapshots were found for the head SHA.');
  });

  it('the dependency graph switched off is an error naming what to enable', async () => {
    const pr = securedPullRequest();
    e2e.github.analysePullRequest({ ...pr, alerts: [] });
    e2e.github.setSecurityFeatures({ ...pr, dependencyGraph: 'disabled' });

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.state).toBe('error');
    expect(status.description).toMatch(/^Cannot evaluate: dependency review is not available for acme\/service-\d+/);
    expect(report(checkRun)).toContain('Enable the dependency graph');
  });
});

describe('the calls the control adds', () => {
  it('reads nothing more without security:, and 5 REST reads with both sources on (analyses, merge commit, alerts of both refs, dependency review)', async () => {
    const plain = e2e.openPullRequest(e2e.newRepo());
    e2e.makeReady(plain);
    let mark = e2e.github.mark();
    await e2e.evaluate(plain);
    const without = e2e.github.callCounts(mark);

    const secured = securedPullRequest();
    e2e.github.analysePullRequest({ ...secured, alerts: [] });
    mark = e2e.github.mark();
    await e2e.evaluate(secured);
    const withSecurity = e2e.github.callCounts(mark);

    const securityPaths = (since: number) =>
      e2e.github
        .requests()
        .filter((r) => r.seq > since && /code-scanning|dependency-graph|\/commits\/[0-9a-f]{40}$/.test(r.path))
        .map((r) => r.path.replace(/^\/api\/v3\/repos\/[^/]+\/[^/]+/, '').replace(/[0-9a-f]{40}/g, 'SHA'));
    expect(securityPaths(mark).sort()).toEqual([
      '/code-scanning/alerts',
      '/code-scanning/alerts',
      '/code-scanning/analyses',
      '/commits/SHA',
      '/dependency-graph/compare/main...SHA',
    ]);
    expect(withSecurity.restReads - without.restReads).toBe(5);
    expect(withSecurity.graphqlQueries).toBe(without.graphqlQueries);
    expect(withSecurity.restWrites).toBe(without.restWrites);
  });
});

describe('many alerts', () => {
  it('pages through the alerts of both refs (100 a page): one new critical alert among 150 old ones blocks', async () => {
    const pr = securedPullRequest();
    const old = Array.from({ length: 150 }, (_, i) => ({
      ruleId: 'js/unused-local-variable',
      path: `src/old-${i}.ts`,
      line: 1,
      securitySeverity: 'critical' as const,
    }));
    e2e.github.analyseBranch({ ...pr, alerts: old });
    e2e.github.analysePullRequest({ ...pr, alerts: [...old, { ...SQL_INJECTION, securitySeverity: 'critical' }] });
    const mark = e2e.github.mark();

    const { status, checkRun } = await e2e.evaluate(pr);

    expect(status.description).toBe('New security findings: 1 code scanning alert at high or above');
    expect(report(checkRun)).toContain('new alerts critical 1, high 0, medium 0, low 0; 150 already on the base branch (not blocking)');
    const alertPages = e2e.github.requests().filter((r) => r.seq > mark && r.path.endsWith('/code-scanning/alerts'));
    expect(alertPages).toHaveLength(4);
  });
});

describe('the merge evidence', () => {
  it('keeps the security counts at merge, and audit export shows them', async () => {
    const pr = securedPullRequest();
    // Below the thresholds: counted, not blocking.
    e2e.github.analysePullRequest({ ...pr, alerts: [{ ...SQL_INJECTION, securitySeverity: 'low' }] });
    e2e.github.setDependencyChanges({
      ...pr,
      changes: [
        {
          changeType: 'added',
          manifest: 'go.sum',
          ecosystem: 'go',
          name: 'example.com/x',
          version: 'v1.0.0',
          vulnerabilities: [{ severity: 'high', ghsaId: 'GHSA-xxxx-yyyy-zzzz', summary: 'DoS' }],
        },
      ],
    });
    expect((await e2e.evaluate(pr)).status.state).toBe('success');
    e2e.github.mergePullRequest({ ...pr, mergedBy: 'bob' });

    await e2e.send('pull_request', pullRequestMergedEvent(pr));
    await e2e.quiet();

    let out = '';
    let err = '';
    const io = {
      env: {},
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      now: () => new Date(),
    };
    const args = [
      'audit',
      'export',
      '--since',
      '2000-01-01',
      '--until',
      '2100-01-01',
      '--format',
      'jsonl',
      '--repo',
      `${pr.owner}/${pr.repo}`,
    ];
    const code = await runCli([...args, '--database', database], io);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const [merge] = out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(merge?.security).toEqual([
      { source: 'code_scanning', critical: 0, high: 0, medium: 0, low: 1 },
      { source: 'dependencies', critical: 0, high: 1, medium: 0, low: 0 },
    ]);
  });
});
