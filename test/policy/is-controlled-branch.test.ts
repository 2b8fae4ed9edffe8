import { describe, it, expect } from '@jest/globals';
import { isControlledBranch } from '../../src/policy/is-controlled-branch.js';

describe('isControlledBranch', () => {
  it.each<{ name: string; branches: string[] | undefined; defaultBranch?: string; baseRef: string; expected: boolean }>([
    { name: 'no branches listed: the default branch', branches: undefined, baseRef: 'main', expected: true },
    { name: 'no branches listed: another branch', branches: undefined, baseRef: 'develop', expected: false },
    {
      name: 'no branches listed: a default branch not named main',
      branches: undefined,
      defaultBranch: 'trunk',
      baseRef: 'trunk',
      expected: true,
    },
    {
      name: 'no branches listed: main when the default is trunk',
      branches: undefined,
      defaultBranch: 'trunk',
      baseRef: 'main',
      expected: false,
    },
    { name: 'listed branches replace the default', branches: ['production'], baseRef: 'main', expected: false },
    { name: 'an exact name', branches: ['main', 'production'], baseRef: 'production', expected: true },
    { name: 'an exact name is not a prefix', branches: ['main'], baseRef: 'main-old', expected: false },
    { name: 'an exact name is not a suffix', branches: ['main'], baseRef: 'not-main', expected: false },
    { name: 'an exact name is case-sensitive, as git refs are', branches: ['main'], baseRef: 'Main', expected: false },
    { name: '* within one segment', branches: ['release/*'], baseRef: 'release/2024.05', expected: true },
    { name: '* does not cross a slash', branches: ['release/*'], baseRef: 'release/2024/hotfix', expected: false },
    { name: '* needs the literal part', branches: ['release/*'], baseRef: 'release', expected: false },
    { name: 'a lone * matches a one-segment name', branches: ['*'], baseRef: 'main', expected: true },
    { name: 'a lone * does not match a nested name', branches: ['*'], baseRef: 'feature/x', expected: false },
    { name: '** across segments', branches: ['release/**'], baseRef: 'release/2024/hotfix', expected: true },
    { name: '** matches anything', branches: ['**'], baseRef: 'feature/a/b', expected: true },
    { name: '* in the middle of a segment', branches: ['hotfix-*-prod'], baseRef: 'hotfix-123-prod', expected: true },
    { name: 'a dot is literal', branches: ['v1.0'], baseRef: 'v1x0', expected: false },
    { name: 'regex characters are literal', branches: ['c++/(stable)'], baseRef: 'c++/(stable)', expected: true },
  ])('$name → $expected', ({ branches, defaultBranch = 'main', baseRef, expected }) => {
    // Act
    const controlled = isControlledBranch({ baseRef, branches, defaultBranch });

    // Assert
    expect(controlled).toBe(expected);
  });
});
