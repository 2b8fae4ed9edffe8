import { describe, expect, it } from '@jest/globals';
import { renderReport } from '../../src/github/render-report.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { SecurityFacts } from '../../src/policy/security-facts.js';
import { aConfig, aKeySearch, aPullRequest, NOW, POLICY } from '../policy/builders.js';

/** Code scanning results come from SARIF a workflow uploads: a PR can shape rule names and paths. */
const HOSTILE: SecurityFacts = {
  codeScanning: {
    analysed: true,
    commitSha: 'e'.repeat(40),
    analyses: [{ id: 31, tool: 'Custom <b>scanner</b>', category: null, createdAt: NOW.toISOString() }],
    introduced: [
      {
        number: 4,
        ruleId: 'x/[click](https://evil.example)',
        ruleName: '<img src=x onerror=alert(1)>',
        severity: 'critical',
        severityFrom: 'security_severity_level',
        tool: 'Custom <b>scanner</b>',
        state: 'open',
        path: 'src/a|b.ts',
        line: 3,
        url: 'javascript:alert(1)',
        dismissal: null,
      },
    ],
    preExisting: 0,
  },
  dependencies: null,
};

describe('the security section of the report', () => {
  it('escapes what a scan reports and links only http(s) URLs', () => {
    const verdict = evaluate({
      config: { ...aConfig(), security: { code_scanning: { block_at: 'high' } } },
      policy: POLICY,
      pr: aPullRequest({ security: HOSTILE }),
      ticketSearch: aKeySearch(),
      ticketLookups: [],
      teamMembers: {},
      now: NOW,
    });

    const { summary } = renderReport(verdict);

    expect(summary).toContain('### ❌ Security findings: New security findings: 1 code scanning alert at high or above');
    expect(summary).not.toContain('<img');
    expect(summary).not.toContain('<b>');
    expect(summary).not.toContain('](https://evil.example)');
    expect(summary).not.toContain('](javascript:');
    expect(summary).toContain('src/a\\|b.ts:3');
    // The alert is named without a link (its URL is not http or https).
    expect(summary).toContain('| alert \\#4 (Custom &lt;b&gt;scanner&lt;/b&gt;) |');
  });
});
