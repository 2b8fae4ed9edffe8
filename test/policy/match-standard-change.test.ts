import { describe, it, expect } from '@jest/globals';
import type { StandardChangeClass } from '../../src/policy/config-schema.js';
import type { ChangedFile } from '../../src/policy/facts.js';
import { matchStandardChange, type StandardChangeFacts } from '../../src/policy/match-standard-change.js';
import { aCommit, aPush, bot, gitIdentity, user } from './builders.js';

const DEPENDABOT_EMAIL = '49699333+dependabot[bot]@users.noreply.github.com';

const DEPENDENCIES: StandardChangeClass = {
  name: 'dependency-updates',
  ticket: 'CHG-1000',
  authors: ['dependabot[bot]', 'renovate[bot]'],
  paths: ['package.json', 'package-lock.json', '**/go.sum'],
  max_changed_lines: 400,
  approval: { count: 0 },
};

const DOCS: StandardChangeClass = { name: 'docs', ticket: 'CHG-1001', authors: ['alice', 'dependabot[bot]'], paths: ['docs/**'] };

function file(path: string, lines = 10, previousPath: string | null = null): ChangedFile {
  return { path, previousPath, additions: lines, deletions: 0 };
}

/** A Dependabot commit as GitHub gives it: its identities carry the bot's no-reply e-mail, tied to no user. */
const dependabotCommit = aCommit(null, {
  committedViaWeb: true,
  identities: [
    { role: 'author', login: null, name: 'dependabot[bot]', email: DEPENDABOT_EMAIL },
    { role: 'committer', login: null, name: 'GitHub', email: 'noreply@github.com' },
  ],
});

function facts(overrides: Partial<StandardChangeFacts> = {}): StandardChangeFacts {
  return {
    author: bot('dependabot'),
    commits: [dependabotCommit],
    pushers: [aPush('dependabot[bot]')],
    cleanBaseMerges: [],
    changedFiles: [file('package.json', 2), file('package-lock.json', 40)],
    ...overrides,
  };
}

interface Row {
  name: string;
  classes?: StandardChangeClass[];
  pr: StandardChangeFacts;
  policyCount?: number;
  /** The class that matches, or null. */
  matched: string | null;
  /** Every reason of the first class's check, in order. */
  reasons: string[];
  approvalCount?: number | null;
}

describe('matchStandardChange', () => {
  it.each<Row>([
    {
      name: 'a Dependabot lockfile update matches, with why',
      pr: facts(),
      matched: 'dependency-updates',
      reasons: [
        'all 2 changed files match package.json, package-lock.json, **/go.sum',
        '42 changed lines (at most 400)',
        'author dependabot[bot]',
      ],
      approvalCount: 0,
    },
    {
      name: 'a nested go.sum matches the ** glob',
      pr: facts({ changedFiles: [file('services/api/go.sum', 3)] }),
      matched: 'dependency-updates',
      reasons: [
        'all 1 changed file match package.json, package-lock.json, **/go.sum',
        '3 changed lines (at most 400)',
        'author dependabot[bot]',
      ],
      approvalCount: 0,
    },
    {
      name: 'REST spelling of the bot login (dependabot[bot], type Bot) matches too',
      pr: facts({ author: bot('dependabot[bot]') }),
      matched: 'dependency-updates',
      reasons: [
        'all 2 changed files match package.json, package-lock.json, **/go.sum',
        '42 changed lines (at most 400)',
        'author dependabot[bot]',
      ],
      approvalCount: 0,
    },
    // paths
    {
      name: 'the same bot touching src/ does not match',
      pr: facts({ changedFiles: [file('package.json'), file('src/index.ts')] }),
      matched: null,
      reasons: ['src/index.ts outside package.json, package-lock.json, **/go.sum'],
    },
    {
      name: 'a rename from outside the paths does not match (both paths count)',
      pr: facts({ changedFiles: [file('package.json', 1, 'src/package.json')] }),
      matched: null,
      reasons: ['src/package.json outside package.json, package-lock.json, **/go.sum'],
    },
    {
      name: 'several files outside are counted',
      pr: facts({ changedFiles: [file('a.ts'), file('b.ts'), file('package.json')] }),
      matched: null,
      reasons: ['a.ts and 1 more outside package.json, package-lock.json, **/go.sum'],
    },
    {
      name: 'unread changed files never match (fail closed)',
      pr: facts({ changedFiles: null }),
      matched: null,
      reasons: ['the changed files could not be read (more than 300, or GitHub did not list them)'],
    },
    {
      name: 'more than 300 changed files never match',
      pr: facts({ changedFiles: Array.from({ length: 301 }, (_, i) => file(`x/${i}/go.sum`, 0)) }),
      matched: null,
      reasons: ['301 changed files, more than 300'],
    },
    { name: 'no changed file never matches', pr: facts({ changedFiles: [] }), matched: null, reasons: ['the PR changes no file'] },
    // size
    {
      name: 'over max_changed_lines does not match',
      pr: facts({
        changedFiles: [file('package.json', 1), { path: 'package-lock.json', previousPath: null, additions: 300, deletions: 100 }],
      }),
      matched: null,
      reasons: ['401 changed lines, more than 400'],
    },
    {
      name: 'exactly max_changed_lines matches',
      pr: facts({ changedFiles: [{ path: 'package-lock.json', previousPath: null, additions: 300, deletions: 100 }] }),
      matched: 'dependency-updates',
      reasons: [
        'all 1 changed file match package.json, package-lock.json, **/go.sum',
        '400 changed lines (at most 400)',
        'author dependabot[bot]',
      ],
      approvalCount: 0,
    },
    {
      name: 'an unknown size does not match when the class limits it',
      pr: facts({ changedFiles: [{ path: 'package.json', previousPath: null }] }),
      matched: null,
      reasons: ['the size of package.json is unknown'],
    },
    {
      name: 'an unknown size matches a class without a limit',
      classes: [{ ...DEPENDENCIES, max_changed_lines: undefined }],
      pr: facts({ changedFiles: [{ path: 'package.json', previousPath: null }] }),
      matched: 'dependency-updates',
      reasons: ['all 1 changed file match package.json, package-lock.json, **/go.sum', 'author dependabot[bot]'],
      approvalCount: 0,
    },
    // authors
    {
      name: 'a human author does not match a bot class',
      pr: facts({ author: user('mallory'), pushers: [aPush('mallory')] }),
      matched: null,
      reasons: ['author mallory is not one of dependabot[bot], renovate[bot]'],
    },
    {
      name: 'an author named like the bot but not of type Bot does not match',
      pr: facts({ author: user('dependabot[bot]') }),
      matched: null,
      reasons: ['author dependabot[bot] is not the bot it seems'],
    },
    {
      name: 'a Bot whose GraphQL login is listed without [bot] is not the human login',
      classes: [{ ...DEPENDENCIES, authors: ['dependabot'] }],
      pr: facts(),
      matched: null,
      reasons: ['author dependabot[bot] is not one of dependabot'],
    },
    {
      name: 'a human pushing to the bot PR does not match',
      pr: facts({ pushers: [aPush('dependabot[bot]'), aPush('mallory')] }),
      matched: null,
      reasons: ['mallory pushed c0ffee1, not one of dependabot[bot], renovate[bot]'],
    },
    {
      name: 'a human commit on the bot PR does not match',
      pr: facts({ commits: [dependabotCommit, aCommit('mallory')] }),
      matched: null,
      reasons: ['mallory authored c0ffee1, not one of dependabot[bot], renovate[bot]'],
    },
    {
      name: 'a commit by an identity GitHub cannot tie to anyone does not match',
      pr: facts({ commits: [aCommit(null, { identities: [gitIdentity('author', null, 'someone@example.com')] })] }),
      matched: null,
      reasons: ['commit c0ffee1 has an author (someone@example.com) GitHub cannot tie to a listed author'],
    },
    {
      name: 'the no-reply e-mail of a bot that is not listed does not match',
      pr: facts({
        commits: [aCommit(null, { identities: [gitIdentity('author', null, '1+evil[bot]@users.noreply.github.com')] })],
      }),
      matched: null,
      reasons: ['commit c0ffee1 has an author (1+evil[bot]@users.noreply.github.com) GitHub cannot tie to a listed author'],
    },
    {
      name: 'two listed bots (Renovate pushing onto Dependabot) match',
      pr: facts({ pushers: [aPush('dependabot[bot]'), aPush('renovate[bot]')] }),
      matched: 'dependency-updates',
      reasons: [
        'all 2 changed files match package.json, package-lock.json, **/go.sum',
        '42 changed lines (at most 400)',
        'authors dependabot[bot], renovate[bot]',
      ],
      approvalCount: 0,
    },
    // approval lowering
    {
      name: 'a listed human matches, but the class may not lower approvals for a human',
      classes: [{ ...DOCS, approval: { count: 0 } }],
      pr: facts({
        author: user('alice'),
        commits: [aCommit('alice')],
        pushers: [aPush('alice')],
        changedFiles: [file('docs/readme.md')],
      }),
      matched: 'docs',
      reasons: ['all 1 changed file match docs/**', 'author alice'],
      approvalCount: null,
    },
    {
      name: 'a class may raise the count for a human',
      classes: [{ ...DOCS, approval: { count: 2 } }],
      pr: facts({ author: user('alice'), commits: [aCommit('alice')], pushers: [], changedFiles: [file('docs/readme.md')] }),
      matched: 'docs',
      reasons: ['all 1 changed file match docs/**', 'author alice'],
      approvalCount: 2,
    },
    {
      name: 'a class without approval leaves the policy count',
      classes: [{ ...DEPENDENCIES, approval: undefined }],
      pr: facts(),
      matched: 'dependency-updates',
      reasons: [
        'all 2 changed files match package.json, package-lock.json, **/go.sum',
        '42 changed lines (at most 400)',
        'author dependabot[bot]',
      ],
      approvalCount: null,
    },
    // order
    {
      name: 'the first class that matches applies; an earlier near miss says why it missed',
      classes: [DOCS, DEPENDENCIES],
      pr: facts(),
      matched: 'dependency-updates',
      reasons: ['package.json and 1 more outside docs/**'],
      approvalCount: 0,
    },
  ])('$name', ({ classes, pr, policyCount, matched, reasons, approvalCount }) => {
    const result = matchStandardChange({ classes: classes ?? [DEPENDENCIES], pr, policyApprovalCount: policyCount ?? 1 });
    expect(result.matched?.name ?? null).toBe(matched);
    expect(result.checks[0]?.reasons).toEqual(reasons);
    if (approvalCount !== undefined) expect(result.matched?.approvalCount).toBe(approvalCount);
  });

  it('judges every class, so the report can say why each did not match', () => {
    const result = matchStandardChange({ classes: [DEPENDENCIES, DOCS], pr: facts({ author: user('bob') }), policyApprovalCount: 1 });
    expect(result.matched).toBeNull();
    expect(result.checks.map((c) => [c.name, c.matched])).toEqual([
      ['dependency-updates', false],
      ['docs', false],
    ]);
  });
});
