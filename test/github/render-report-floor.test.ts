import { describe, it, expect } from '@jest/globals';
import { renderReport } from '../../src/github/render-report.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { AppliedFloor, PolicySource, Verdict } from '../../src/policy/verdict.js';
import { aCheck, aConfig, aFoundTicket, aKeySearch, aPullRequest, aRule, NOW, POLICY } from '../policy/builders.js';

const FLOOR_POLICY: PolicySource = { repo: 'acme/.github', path: '.github/change-control.yml', blobSha: 'a11ce0de99887766' };
const RELEASE = 'acme/release-managers';

function verdictWith(floor: AppliedFloor | null, rules = aConfig().approval.rules): Verdict {
  return evaluate({
    config: aConfig({ approval: { rules } }),
    policy: POLICY,
    pr: aPullRequest({ checks: [aCheck('build', 'success')] }),
    ticketSearch: aKeySearch(),
    ticketLookups: [aFoundTicket()],
    teamMembers: { [RELEASE]: ['bob'] },
    floor,
    now: NOW,
  });
}

describe('renderReport: the organisation floor', () => {
  it('lists each setting the floor overrode, after the controls, escaped', () => {
    // Arrange
    const notes = [
      "ticket.provider none would switch off the ticket control: the floor's jira applies",
      'checks.required lacks sast_*: added',
    ];

    // Act
    const { summary } = renderReport(verdictWith({ policy: FLOOR_POLICY, notes }));

    // Assert
    const section = [
      '### Organisation floor: 2 settings below it; the floor applies',
      '',
      'Floor: `acme/.github:.github/change-control.yml@a11ce0d`',
      '',
      "- ticket.provider none would switch off the ticket control: the floor's jira applies",
      '- checks.required lacks sast\\_\\*: added',
    ].join('\n');
    expect(summary.slice(-section.length - 2)).toBe(`\n\n${section}`);
  });

  it.each([
    {
      name: 'one setting',
      notes: ['approval.count 0 is below the organisation floor 1: 1 applies'],
      lines: [
        '### Organisation floor: 1 setting below it; the floor applies',
        '- approval.count 0 is below the organisation floor 1: 1 applies',
      ],
    },
    { name: 'none', notes: [], lines: ['### Organisation floor: the policy meets it', '- Every setting of the policy meets the floor'] },
  ])('heads the section by how many settings the floor overrode: $name', ({ notes, lines }) => {
    // Act
    const { summary } = renderReport(verdictWith({ policy: FLOOR_POLICY, notes }));

    // Assert
    for (const line of lines) expect(summary).toContain(line);
  });

  it('has no floor section without a floor', () => {
    // Act
    const { summary } = renderReport(verdictWith(null));

    // Assert
    expect(summary).not.toContain('Organisation floor');
  });

  it('is deterministic: the same verdict renders the same report', () => {
    // Arrange
    const floor = { policy: FLOOR_POLICY, notes: ['checks.required lacks sast: added'] };

    // Act
    const first = renderReport(verdictWith(floor));
    const second = renderReport(verdictWith({ ...floor, notes: [...floor.notes] }));

    // Assert
    expect(second).toEqual(first);
  });

  it('shows the floor’s team requirement as applying to every change, without a file list', () => {
    // Act
    const { summary } = renderReport(verdictWith({ policy: FLOOR_POLICY, notes: [] }, [aRule(['**'], { count: 1, teams: [RELEASE] })]));

    // Assert
    expect(summary).toContain(
      '- ✅ `approval.rules[0]`: 1/1 independent approval from acme/release-managers for \\*\\* (every change) on c0ffee1',
    );
  });
});
