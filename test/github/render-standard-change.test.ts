import { describe, expect, it } from '@jest/globals';
import { keyOrigin, renderStandardChangeSection } from '../../src/github/render-standard-change.js';
import type { StandardChangeMatch } from '../../src/policy/match-standard-change.js';

const DEPS = { name: 'dependency-updates', ticket: 'CHG-1000' };

describe('renderStandardChangeSection', () => {
  it.each<{ name: string; match: StandardChangeMatch; lines: string[] }>([
    {
      name: 'the class that matched, with why, and a near miss before it',
      match: {
        matched: {
          ...DEPS,
          reasons: ['all 2 changed files match package.json', 'author dependabot[bot]'],
          approvalCount: 0,
          approvalNote: 'approval.count 0 of the class applies: every author is a listed bot',
        },
        checks: [
          { name: 'docs', ticket: 'CHG-1001', matched: false, reasons: ['package.json outside docs/**'] },
          { ...DEPS, matched: true, reasons: ['all 2 changed files match package.json', 'author dependabot[bot]'] },
        ],
      },
      lines: [
        '### Standard change: dependency-updates (standing ticket CHG-1000)',
        '',
        '- ➖ `docs` does not match: package.json outside docs/\\*\\*',
        '- ✅ `dependency-updates` matches: all 2 changed files match package.json; author dependabot\\[bot\\]',
        '- approval.count 0 of the class applies: every author is a listed bot',
      ],
    },
    {
      name: 'no class matches: the PR needs its own ticket',
      match: { matched: null, checks: [{ ...DEPS, matched: false, reasons: ['author <b>mallory</b> is not one of dependabot[bot]'] }] },
      lines: [
        '### Standard change: no class matches (the PR needs a ticket of its own)',
        '',
        '- ➖ `dependency-updates` does not match: author &lt;b&gt;mallory&lt;/b&gt; is not one of dependabot\\[bot\\]',
      ],
    },
  ])('$name', ({ match, lines }) => {
    expect(renderStandardChangeSection(match).split('\n')).toEqual(lines);
  });

  it('names where a key came from', () => {
    expect([keyOrigin('title'), keyOrigin('standard-change')]).toEqual([
      'found in the PR title',
      'standing ticket of the standard change class, from the policy',
    ]);
  });
});
