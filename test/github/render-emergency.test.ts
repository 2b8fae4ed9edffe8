import { describe, expect, it } from '@jest/globals';
import { emergencyIssueBody } from '../../src/github/open-emergency-issue.js';
import { renderEmergencySection } from '../../src/github/render-emergency.js';
import type { EmergencyOverride } from '../../src/policy/emergency-override.js';

const emergency: EmergencyOverride = {
  by: 'carol',
  reason: 'INC-1 <img src=x> [click](http://evil.example)',
  at: '2026-11-01T12:00:00.000Z',
  followUpIssue: { repo: 'acme/payments', number: 43, url: 'https://github.com/acme/payments/issues/43' },
  dueAt: '2026-11-04T12:00:00.000Z',
  auditSeq: 17,
  waived: [
    { control: 'approval', outcome: 'pending', summary: 'Needs 1 more independent approval' },
    { control: 'evaluation', outcome: 'error', summary: 'Jira lookup of CHG-1 failed: 503' },
  ],
};

describe('renderEmergencySection', () => {
  it('shows who, why (escaped), what was waived, and the follow-up with its due time', () => {
    expect(renderEmergencySection(emergency)).toBe(
      [
        '### 🚨 Emergency change authorised by @carol',
        '',
        'The controls below did not pass; an authorised person waived them for this head commit. A push needs a new authorisation.',
        '',
        '- Reason: INC-1 &lt;img src=x&gt; \\[click\\]\\(http://evil.example\\)',
        '- Authorised at 2026-11-01T12:00:00.000Z (audit entry #17)',
        '- Waived:',
        '  - ⏳ Segregation of duties: Needs 1 more independent approval',
        '  - ⚠️ Evaluation (could not be made): Jira lookup of CHG-1 failed: 503',
        '- Follow-up: [acme/payments#43](https://github.com/acme/payments/issues/43); retrospective approval due by **2026-11-04T12:00:00.000Z**',
      ].join('\n'),
    );
  });
});

describe('emergencyIssueBody', () => {
  it('holds the evidence, the deadline, who may approve and who may not', () => {
    const body = emergencyIssueBody({
      pr: { repo: 'acme/payments', number: 42, title: 'Hotfix [urgent]', url: 'https://github.com/acme/payments/pull/42', author: 'alice' },
      by: 'carol',
      reason: emergency.reason,
      headSha: 'c0ffee1234567890abcdef1234567890abcdef12',
      waived: emergency.waived,
      contributors: ['alice', 'dave'],
      dueAt: emergency.dueAt,
      reviewWithinHours: 72,
      reviewers: ['acme/change-reviewers'],
      commentUrl: 'https://github.com/acme/payments/pull/42#issuecomment-1',
      policy: 'acme/payments:.github/change-control.yml@abc',
    });

    expect(body).toContain(
      '@carol authorised acme/payments#42 ([Hotfix \\[urgent\\]](https://github.com/acme/payments/pull/42)) as an **emergency change**',
    );
    expect(body).toContain('**Reason given:** INC-1 &lt;img src=x&gt;');
    expect(body).toContain('- Head commit: `c0ffee1234567890abcdef1234567890abcdef12`');
    expect(body).toContain('**Retrospective approval is due by 2026-11-04T12:00:00.000Z** (72 hours after the authorisation).');
    expect(body).toContain('A member of acme/change-reviewers reviews the change');
    expect(body).toContain('Not allowed to approve: @alice (author), @carol (authorised it), @dave (contributor).');
  });
});
