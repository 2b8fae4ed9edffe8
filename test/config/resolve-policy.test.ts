import { describe, it, expect } from '@jest/globals';
import { resolvePolicy, type ResolvedPolicy } from '../../src/config/resolve-policy.js';
import type { ConfigFile } from '../../src/github/read-pull-request-facts.js';

const PATH = '.github/change-control.yml';
const REPO = 'acme/payments';
const ORG = 'acme/.github';

function aFile(repo: string, text: string | null, blobSha = repo === ORG ? 'a11ce0de' : 'f00dcafe'): ConfigFile {
  return { repo, path: PATH, blobSha, text };
}

const source = (repo: string, blobSha = repo === ORG ? 'a11ce0de' : 'f00dcafe') => ({ repo, path: PATH, blobSha });
const lines = (...l: string[]): string => `${l.join('\n')}\n`;

const STANDARD = lines('ticket:', '  projects: [CHG]', 'approval:', '  count: 1', 'checks:', '  required: [build]');
const LENIENT = lines('ticket:', '  provider: none', 'approval:', '  count: 0');
const FLOOR = lines('floor:', '  ticket: {provider: jira, projects: [CHG]}', '  approval: {count: 1}', '  checks: {required: [sast]}');
const ORG_WITH_FLOOR = `${STANDARD}${FLOOR}`;

function okOf(resolved: ResolvedPolicy): Extract<ResolvedPolicy, { kind: 'ok' }> {
  if (resolved.kind !== 'ok') throw new Error(`expected a policy, got ${JSON.stringify(resolved)}`);
  return resolved;
}

describe('resolvePolicy: which file applies', () => {
  it('none without a file in either place', () => {
    expect(resolvePolicy({ repoConfig: null, orgConfig: null })).toEqual({ kind: 'none' });
  });

  it.each([
    { name: 'the repository’s file, with no organisation file', repoConfig: aFile(REPO, STANDARD), orgConfig: null, applied: source(REPO) },
    {
      name: 'the repository’s file over an organisation file without a floor',
      repoConfig: aFile(REPO, LENIENT),
      orgConfig: aFile(ORG, STANDARD),
      applied: source(REPO),
    },
    {
      name: 'the organisation’s file when the repository has none',
      repoConfig: null,
      orgConfig: aFile(ORG, STANDARD),
      applied: source(ORG),
    },
  ])('$name, whole and without a floor', ({ repoConfig, orgConfig, applied }) => {
    // Act
    const resolved = okOf(resolvePolicy({ repoConfig, orgConfig }));

    // Assert
    expect(resolved.source).toEqual(applied);
    expect(resolved.floor).toBeNull();
    expect(resolved.config.ticket.provider).toBe(applied.repo === REPO && orgConfig !== null ? 'none' : 'jira');
  });
});

describe('resolvePolicy: the organisation floor', () => {
  it('tightens a repository file that loosens it, and says what it overrode', () => {
    // Act
    const resolved = okOf(resolvePolicy({ repoConfig: aFile(REPO, LENIENT), orgConfig: aFile(ORG, ORG_WITH_FLOOR) }));

    // Assert
    expect(resolved.source).toEqual(source(REPO));
    expect(resolved.config.ticket).toMatchObject({ provider: 'jira', projects: ['CHG'] });
    expect(resolved.config.approval.count).toBe(1);
    expect(resolved.config.checks.required).toEqual(['sast']);
    expect(resolved.floor).toEqual({
      policy: source(ORG),
      notes: [
        "ticket.provider none would switch off the ticket control: the floor's jira applies",
        'approval.count 0 is below the organisation floor 1: 1 applies',
        'checks.required lacks sast: added',
      ],
    });
  });

  it('leaves a repository file above it as it is, with no notes', () => {
    // Arrange
    const strict = lines('ticket:', '  projects: [CHG]', 'approval:', '  count: 2', 'checks:', '  required: [sast, build]');

    // Act
    const resolved = okOf(resolvePolicy({ repoConfig: aFile(REPO, strict), orgConfig: aFile(ORG, ORG_WITH_FLOOR) }));

    // Assert
    expect(resolved.config.approval.count).toBe(2);
    expect(resolved.config.checks.required).toEqual(['sast', 'build']);
    expect(resolved.floor).toEqual({ policy: source(ORG), notes: [] });
  });

  it('applies to the organisation’s own file when it is the policy', () => {
    // Act
    const resolved = okOf(resolvePolicy({ repoConfig: null, orgConfig: aFile(ORG, ORG_WITH_FLOOR) }));

    // Assert
    expect(resolved.source).toEqual(source(ORG));
    expect(resolved.config.checks.required).toEqual(['build', 'sast']);
    expect(resolved.floor).toEqual({ policy: source(ORG), notes: ['checks.required lacks sast: added'] });
  });

  it('is allowed in the .github repository’s own file (a PR into the organisation’s policy)', () => {
    // Act: GitHub answers the same file as the repository's and the organisation's (names ignore case).
    const resolved = okOf(
      resolvePolicy({ repoConfig: aFile('ACME/.github', ORG_WITH_FLOOR, 'a11ce0de'), orgConfig: aFile(ORG, ORG_WITH_FLOOR) }),
    );

    // Assert
    expect(resolved.source).toEqual(source(ORG));
    expect(resolved.floor?.notes).toEqual(['checks.required lacks sast: added']);
  });

  it('lets an organisation file set only a floor: the floor’s projects make it usable', () => {
    // Act
    const resolved = okOf(resolvePolicy({ repoConfig: null, orgConfig: aFile(ORG, FLOOR) }));

    // Assert
    expect(resolved.config.ticket).toMatchObject({ provider: 'jira', projects: ['CHG'] });
    expect(resolved.config.approval.count).toBe(1);
  });
});

describe('resolvePolicy: failing closed', () => {
  it.each<{ name: string; repo: string | null; org: string | null; source: ReturnType<typeof source>; errors: (string | RegExp)[] }>([
    {
      name: 'a floor in a repository’s own file, with its line',
      repo: `${STANDARD}floor:\n  approval: {count: 0}\n`,
      org: null,
      source: source(REPO),
      errors: [`${REPO}:${PATH}: floor can only be set in the organisation's .github repository (line 7)`],
    },
    {
      name: 'a floor in a repository’s own file that is invalid besides',
      repo: lines('ticket: {provider: none}', 'floor: {}', 'approval:', '  count: two'),
      org: ORG_WITH_FLOOR,
      source: source(REPO),
      errors: [
        `${REPO}:${PATH}: floor can only be set in the organisation's .github repository (line 2)`,
        `${REPO}:${PATH}: approval.count must be a whole number ≥ 0, got "two" (line 4)`,
      ],
    },
    {
      name: 'an invalid organisation file, although the repository has its own',
      repo: STANDARD,
      org: `${STANDARD}floor:\n  approval: {count: -1}\n`,
      source: source(ORG),
      errors: [`${ORG}:${PATH}: floor.approval.count must be a whole number ≥ 0, got -1 (line 8)`],
    },
    {
      name: 'an unreadable organisation file, although the repository has its own',
      repo: STANDARD,
      org: null,
      source: source(ORG),
      errors: [`${ORG}:${PATH} is binary or too large to read`],
    },
    {
      name: 'both files invalid: the repository’s named, both listed',
      repo: lines('ticket: {provider: none}', 'aproval: {}'),
      org: lines('ticket: {provider: jira}'),
      source: source(REPO),
      errors: [/^acme\/payments:.*aproval is not a known key/, /^acme\/\.github:.*ticket\.projects must list at least one/],
    },
    {
      name: 'a jira floor without projects over a repository with the ticket control off',
      repo: LENIENT,
      org: lines('ticket: {provider: none}', 'floor:', '  ticket: {provider: jira}'),
      source: source(REPO),
      errors: [
        `${REPO}:${PATH}: ticket.projects must list at least one Jira project key: the organisation floor (${ORG}:${PATH}) keeps ticket.provider jira`,
      ],
    },
  ])('$name', ({ repo, org, source: expectedSource, errors }) => {
    // Arrange: a null org text with an expected org source stands for a binary file.
    const orgConfig = org === null && expectedSource.repo === ORG ? aFile(ORG, null) : org === null ? null : aFile(ORG, org);
    const repoConfig = repo === null ? null : aFile(REPO, repo);

    // Act
    const resolved = resolvePolicy({ repoConfig, orgConfig });

    // Assert
    expect(resolved).toEqual({
      kind: 'invalid',
      source: expectedSource,
      errors: errors.map((e) => (typeof e === 'string' ? e : expect.stringMatching(e))),
    });
  });
});
