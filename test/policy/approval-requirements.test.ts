import { describe, it, expect } from '@jest/globals';
import type { ApprovalConfig } from '../../src/policy/config-schema.js';
import { approvalRequirements, coversEveryPath, type Requirement } from '../../src/policy/approval-requirements.js';
import type { ChangedFile } from '../../src/policy/facts.js';
import { aChangedFile, anApprovalConfig, aRule } from './builders.js';

const SECURITY = 'acme/security';
const DBA = 'acme/dba';
const RULES = [aRule(['src/ledger/**'], { count: 2, teams: [SECURITY] }), aRule(['migrations/**', '**/*.sql'], { teams: [DBA] })];

const BASE: Requirement = { source: 'approval', count: 1, teams: [], paths: [], matchedFiles: [] };
const LEDGER: Omit<Requirement, 'matchedFiles'> = { source: 'approval.rules[0]', count: 2, teams: [SECURITY], paths: ['src/ledger/**'] };
const SQL: Omit<Requirement, 'matchedFiles'> = {
  source: 'approval.rules[1]',
  count: 1,
  teams: [DBA],
  paths: ['migrations/**', '**/*.sql'],
};

describe('approvalRequirements: path rules', () => {
  it.each<{ name: string; config?: Partial<ApprovalConfig>; files: ChangedFile[] | null; requirements: Requirement[] }>([
    {
      name: 'no rules: only the policy’s own requirement',
      config: { rules: [] },
      files: [aChangedFile('src/ledger/post.ts')],
      requirements: [BASE],
    },
    {
      name: 'the policy’s own count and teams',
      config: { count: 3, teams: ['acme/release'], rules: [] },
      files: null,
      requirements: [{ ...BASE, count: 3, teams: ['acme/release'] }],
    },
    {
      name: 'no changed file matches any rule',
      files: [aChangedFile('README.md'), aChangedFile('src/api/routes.ts')],
      requirements: [BASE],
    },
    {
      name: 'a changed file matches one rule',
      files: [aChangedFile('README.md'), aChangedFile('src/ledger/post.ts')],
      requirements: [BASE, { ...LEDGER, matchedFiles: ['src/ledger/post.ts'] }],
    },
    {
      name: 'a file deep under a matched folder',
      files: [aChangedFile('src/ledger/accounts/close.ts')],
      requirements: [BASE, { ...LEDGER, matchedFiles: ['src/ledger/accounts/close.ts'] }],
    },
    {
      name: 'files matching both rules (every matching rule applies)',
      files: [aChangedFile('src/ledger/post.ts'), aChangedFile('migrations/0042_ledger.sql')],
      requirements: [BASE, { ...LEDGER, matchedFiles: ['src/ledger/post.ts'] }, { ...SQL, matchedFiles: ['migrations/0042_ledger.sql'] }],
    },
    {
      name: 'a file matching a rule’s second glob',
      files: [aChangedFile('db/seed.sql')],
      requirements: [BASE, { ...SQL, matchedFiles: ['db/seed.sql'] }],
    },
    {
      name: 'a file renamed out of a matched folder (the previous path counts)',
      files: [aChangedFile('src/archive/post.ts', 'src/ledger/post.ts')],
      requirements: [BASE, { ...LEDGER, matchedFiles: ['src/ledger/post.ts'] }],
    },
    {
      name: 'a file renamed into a matched folder',
      files: [aChangedFile('src/ledger/post.ts', 'src/archive/post.ts')],
      requirements: [BASE, { ...LEDGER, matchedFiles: ['src/ledger/post.ts'] }],
    },
    {
      name: 'a file renamed within a matched folder (each path listed once)',
      files: [aChangedFile('src/ledger/b.ts', 'src/ledger/a.ts'), aChangedFile('src/ledger/a.ts')],
      requirements: [BASE, { ...LEDGER, matchedFiles: ['src/ledger/b.ts', 'src/ledger/a.ts'] }],
    },
    {
      name: 'a dotfile under a matched folder',
      files: [aChangedFile('src/ledger/.env.production')],
      requirements: [BASE, { ...LEDGER, matchedFiles: ['src/ledger/.env.production'] }],
    },
    {
      name: 'a file in a dot-folder matched by a ** glob',
      files: [aChangedFile('.github/sql/grants.sql')],
      requirements: [BASE, { ...SQL, matchedFiles: ['.github/sql/grants.sql'] }],
    },
    {
      name: 'a path that only shares a prefix with the glob',
      files: [aChangedFile('src/ledger-ui/post.ts')],
      requirements: [BASE],
    },
    {
      name: 'an empty list of changed files',
      files: [],
      requirements: [BASE],
    },
    {
      name: 'no list of changed files (fail closed: every rule applies)',
      files: null,
      requirements: [BASE, { ...LEDGER, matchedFiles: [] }, { ...SQL, matchedFiles: [] }],
    },
  ])('$name', ({ config, files, requirements }) => {
    // Arrange
    const policy = anApprovalConfig({ rules: RULES, ...config });

    // Act
    const result = approvalRequirements(policy, files);

    // Assert
    expect(result).toEqual(requirements);
  });

  it('keeps each rule’s index in its source when earlier rules do not match', () => {
    // Act
    const result = approvalRequirements(anApprovalConfig({ rules: RULES }), [aChangedFile('schema.sql')]);

    // Assert
    expect(result.map((r) => r.source)).toEqual(['approval', 'approval.rules[1]']);
  });
});

describe('approvalRequirements: a rule for ** (such as the organisation floor’s teams)', () => {
  const EVERYWHERE = aRule(['**'], { count: 2, teams: [SECURITY] });
  const ALL: Omit<Requirement, 'matchedFiles'> = { source: 'approval.rules[0]', count: 2, teams: [SECURITY], paths: ['**'] };

  it.each<{ name: string; files: ChangedFile[] | null; requirements: Requirement[] }>([
    { name: 'applies without a file list', files: null, requirements: [BASE, { ...ALL, matchedFiles: [] }] },
    { name: 'applies to a PR that changes no file', files: [], requirements: [BASE, { ...ALL, matchedFiles: [] }] },
    {
      name: 'matches dotfiles and deep paths',
      files: [aChangedFile('.github/change-control.yml')],
      requirements: [BASE, { ...ALL, matchedFiles: ['.github/change-control.yml'] }],
    },
  ])('$name', ({ files, requirements }) => {
    // Act
    const result = approvalRequirements(anApprovalConfig({ rules: [EVERYWHERE] }), files);

    // Assert
    expect(result).toEqual(requirements);
  });

  it.each([
    { paths: ['**'], expected: true },
    { paths: ['src/**', '**'], expected: true },
    { paths: ['**/*'], expected: false },
    { paths: ['src/**'], expected: false },
  ])('coversEveryPath($paths) is $expected', ({ paths, expected }) => {
    expect(coversEveryPath({ paths })).toBe(expected);
  });
});
