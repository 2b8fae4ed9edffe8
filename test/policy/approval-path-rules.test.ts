import { describe, it, expect } from '@jest/globals';
import type { ApprovalRule } from '../../src/policy/config-schema.js';
import type { TeamMembers } from '../../src/policy/facts.js';
import { type ApprovalRow, evaluateRow, expectRow } from './approval-row.js';
import { aChangedFile, aCommit, aReview, aRule, AUTHOR } from './builders.js';

const SECURITY = 'acme/security';
const RELEASE = 'acme/release-managers';
const MEMBERS: TeamMembers = { [SECURITY]: ['carol', 'grace'], [RELEASE]: ['dave'] };
/** Two approvals from acme/security for the ledger. */
const LEDGER_RULE: ApprovalRule = aRule(['src/ledger/**'], { count: 2, teams: [SECURITY] });
const LEDGER_FILE = [aChangedFile('src/ledger/post.ts')];
const OTHER_FILE = [aChangedFile('src/api/routes.ts')];

const approvals = (...logins: string[]) => logins.map((login) => aReview(login, 'APPROVED'));

describe('segregation of duties: approval.rules by changed paths', () => {
  it.each<ApprovalRow>([
    {
      name: 'no changed file matches the rule',
      config: { rules: [LEDGER_RULE] },
      pr: { changedFiles: OTHER_FILE, reviews: approvals('bob') },
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'a changed file matches and only the base requirement is met',
      config: { rules: [LEDGER_RULE] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('bob') },
      outcome: 'pending',
      counted: ['bob'],
      summary: 'Needs 2 more independent approvals from acme/security for src/ledger/** on c0ffee1',
    },
    {
      name: 'a changed file matches and one of two team approvals is given',
      config: { rules: [LEDGER_RULE] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('carol') },
      outcome: 'pending',
      counted: ['carol'],
      summary: 'Needs 1 more independent approval from acme/security for src/ledger/** on c0ffee1',
    },
    {
      name: 'a changed file matches and the rule is met',
      config: { rules: [LEDGER_RULE] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('carol', 'grace') },
      outcome: 'success',
      counted: ['carol', 'grace'],
      summary: 'Approved on c0ffee1 by carol, grace',
    },
    {
      name: 'a file renamed out of the ruled folder',
      config: { rules: [LEDGER_RULE] },
      pr: { changedFiles: [aChangedFile('src/archive/post.ts', 'src/ledger/post.ts')], reviews: approvals('bob') },
      outcome: 'pending',
      counted: ['bob'],
    },
    {
      name: 'a dotfile matched by a ** glob',
      config: { rules: [aRule(['**/*.yml'], { count: 2 })] },
      pr: { changedFiles: [aChangedFile('.github/workflows/deploy.yml')], reviews: approvals('bob') },
      outcome: 'pending',
      counted: ['bob'],
      summary: 'Needs 1 more independent approval for **/*.yml on c0ffee1',
    },
    {
      name: 'no list of changed files (every rule applies: fail closed)',
      config: { rules: [LEDGER_RULE] },
      pr: { changedFiles: null, reviews: approvals('bob') },
      outcome: 'pending',
      counted: ['bob'],
      summary: 'Needs 2 more independent approvals from acme/security for src/ledger/** on c0ffee1',
    },
    {
      name: 'two matching rules (the stricter one decides)',
      config: { rules: [aRule(['src/**']), aRule(['src/ledger/**'], { count: 3 })] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('bob', 'erin') },
      outcome: 'pending',
      counted: ['bob', 'erin'],
      summary: 'Needs 1 more independent approval for src/ledger/** on c0ffee1',
    },
    {
      name: 'a rule of count 0 that matches',
      config: { rules: [aRule(['src/**'], { count: 0, teams: [SECURITY] })] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('bob') },
      outcome: 'success',
      counted: ['bob'],
    },
    {
      name: 'the base requirement met, a rule with two globs not (the rule is named)',
      config: { teams: [RELEASE], rules: [aRule(['migrations/**', 'src/ledger/**'], { teams: [SECURITY] })] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('dave') },
      outcome: 'pending',
      counted: ['dave'],
      summary: 'Needs 1 more independent approval from acme/security for migrations/**, src/ledger/** on c0ffee1',
    },
    {
      name: 'a rule met, the base requirement not (the base is named)',
      config: { teams: [RELEASE], rules: [aRule(['src/ledger/**'], { teams: [SECURITY] })] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('carol') },
      outcome: 'pending',
      counted: ['carol'],
      summary: 'Needs 1 more independent approval from acme/release-managers on c0ffee1',
    },
    {
      name: 'an eligible approver outside every team',
      config: { teams: [RELEASE], rules: [aRule(['src/ledger/**'], { teams: [SECURITY] })] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals('bob', 'carol', 'dave') },
      outcome: 'success',
      counted: ['carol', 'dave'],
      ignored: [{ login: 'bob', reason: 'not-in-team', detail: 'not in acme/release-managers or acme/security' }],
    },
    {
      name: 'a team member of the rule who committed to the PR',
      config: { rules: [aRule(['src/ledger/**'], { teams: [SECURITY] })] },
      pr: {
        changedFiles: LEDGER_FILE,
        commits: [aCommit(AUTHOR), aCommit('carol', { sha: 'c4401234567890abcdef1234567890abcdef1234' })],
        reviews: approvals('carol'),
      },
      outcome: 'pending',
      counted: [],
      ignored: [{ login: 'carol', reason: 'contributor', detail: 'authored c440123' }],
    },
  ])('$name → $outcome', (row) => {
    // Act
    const result = evaluateRow({ ...row, teamMembers: MEMBERS });

    // Assert
    expectRow(result, row);
  });

  it('records each requirement with its source, matched files, approvers and whether it is met', () => {
    // Arrange
    const rules = [aRule(['docs/**']), LEDGER_RULE, aRule(['**/*.ts'])];
    const changedFiles = [
      aChangedFile('src/ledger/post.ts'),
      aChangedFile('src/ledger/close.ts', 'src/ledger/end.ts'),
      aChangedFile('README.md'),
    ];

    // Act
    const result = evaluateRow({ config: { rules }, pr: { changedFiles, reviews: approvals('bob', 'carol') }, teamMembers: MEMBERS });

    // Assert
    expect(result.evidence.requirements).toEqual([
      { source: 'approval', count: 1, teams: [], paths: [], matchedFiles: [], approvers: ['bob', 'carol'], satisfied: true },
      {
        source: 'approval.rules[1]',
        count: 2,
        teams: [SECURITY],
        paths: ['src/ledger/**'],
        matchedFiles: ['src/ledger/post.ts', 'src/ledger/close.ts', 'src/ledger/end.ts'],
        approvers: ['carol'],
        satisfied: false,
      },
      {
        source: 'approval.rules[2]',
        count: 1,
        teams: [],
        paths: ['**/*.ts'],
        matchedFiles: ['src/ledger/post.ts', 'src/ledger/close.ts', 'src/ledger/end.ts'],
        approvers: ['bob', 'carol'],
        satisfied: true,
      },
    ]);
  });

  it.each<{ reviewers: string[]; nextStep: string }>([
    {
      reviewers: [],
      nextStep: 'Ask a reviewer with write access who did not write, commit or push to this PR to approve the current head commit c0ffee1.',
    },
    {
      reviewers: ['bob'],
      nextStep:
        'Ask 2 reviewers from acme/security for src/ledger/** with write access who did not write, commit or push to this PR to approve the current head commit c0ffee1.',
    },
  ])('asks for reviewers of the first unmet requirement (approved by $reviewers)', ({ reviewers, nextStep }) => {
    // Act
    const result = evaluateRow({
      config: { rules: [LEDGER_RULE] },
      pr: { changedFiles: LEDGER_FILE, reviews: approvals(...reviewers) },
      teamMembers: MEMBERS,
    });

    // Assert
    expect(result.nextStep).toBe(nextStep);
  });
});
