import { describe, expect, it } from '@jest/globals';
import { reportFingerprint } from '../../src/github/publish-verdict.js';
import { renderReport } from '../../src/github/render-report.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { OpaDecision } from '../../src/policy/facts.js';
import { withoutDecisionIds } from '../../src/policy/without-decision-ids.js';
import { aCheck, aCommit, aConfig, aFoundTicket, aKeySearch, aPullRequest, aReview, NOW, POLICY } from '../policy/builders.js';

const OWN = { path: 'change_control/allow', source: 'opa.decision' as const };

function verdictWith(decision: Partial<OpaDecision>) {
  return evaluate({
    config: { ...aConfig(), opa: { decisions: [OWN], teams: [] } },
    policy: POLICY,
    pr: aPullRequest({ commits: [aCommit()], reviews: [aReview('bob', 'APPROVED')], checks: [aCheck('build', 'success')] }),
    ticketSearch: aKeySearch(),
    ticketLookups: [aFoundTicket()],
    teamMembers: {},
    opaDecisions: [{ ...OWN, allow: true, reasons: [], decisionId: 'd-1', bundleRevisions: {}, inputVersion: 1, ...decision }],
    now: NOW,
  });
}

describe('renderReport: the OPA control', () => {
  it('lists each decision with its answer, decision id and bundle revisions, and each reason', () => {
    const verdict = verdictWith({ allow: false, reasons: ['payments/** needs two approvals'], bundleRevisions: { acme: 'r7' } });

    const { summary } = renderReport(verdict);

    expect(summary).toContain('| Policy (OPA) | ❌ OPA change\\_control/allow denies: payments/\\*\\* needs two approvals |');
    expect(summary).toContain(
      '- ❌ `change_control/allow` (opa.decision, input v1): **deny** · decision id d-1 · bundle acme revision r7\n  - payments/\\*\\* needs two approvals',
    );
  });

  it("escapes OPA's text: a reason cannot add links, images or mentions to the report", () => {
    const verdict = verdictWith({
      allow: false,
      reasons: ['see [this](https://evil.test) ![x](https://evil.test/x.png) <b>'],
      decisionId: '`id`',
    });

    const { summary } = renderReport(verdict);

    expect(summary).not.toContain('](https://evil.test)');
    expect(summary).not.toContain('<b>');
    expect(summary).toContain('decision id \\`id\\`');
  });

  it('gives the same check run fingerprint for a new decision id, and another for a new bundle revision', () => {
    const fingerprint = (decision: Partial<OpaDecision>) => {
      const verdict = verdictWith(decision);
      return reportFingerprint(verdict.state, renderReport(withoutDecisionIds(verdict)));
    };

    expect(fingerprint({ decisionId: 'd-2' })).toBe(fingerprint({ decisionId: 'd-1' }));
    expect(fingerprint({ bundleRevisions: { acme: 'r8' } })).not.toBe(fingerprint({ bundleRevisions: { acme: 'r7' } }));
  });
});
