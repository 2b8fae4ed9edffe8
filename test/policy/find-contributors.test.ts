import { describe, it, expect } from '@jest/globals';
import type { CommitFact, PushFact } from '../../src/policy/facts.js';
import { findContributors } from '../../src/policy/find-contributors.js';
import { aBaseMerge, aCommit, aPush, AUTHOR, gitIdentity, HEAD_SHA, MERGE_SHA, MID_SHA, OLD_SHA } from './builders.js';

interface Row {
  name: string;
  commits: CommitFact[];
  pushers?: PushFact[];
  cleanBaseMerges?: string[];
  contributors: [login: string, detail: string][];
  unattributed?: { commitSha: string; role: string; email: string | null }[];
}

describe('findContributors: who wrote or pushed the change', () => {
  it.each<Row>([
    {
      name: 'one commit authored and committed by the same person',
      commits: [aCommit(AUTHOR)],
      contributors: [['alice', 'authored c0ffee1']],
    },
    {
      name: 'a commit authored by one person and committed (rebased) by another',
      commits: [aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', 'erin')] })],
      contributors: [
        ['alice', 'authored c0ffee1'],
        ['erin', 'committed c0ffee1'],
      ],
    },
    {
      name: 'a Co-authored-by trailer GitHub resolved to a user',
      commits: [
        aCommit(AUTHOR, {
          identities: [gitIdentity('author', AUTHOR), gitIdentity('co-author', 'frank'), gitIdentity('committer', AUTHOR)],
        }),
      ],
      contributors: [
        ['alice', 'authored c0ffee1'],
        ['frank', 'co-authored c0ffee1'],
      ],
    },
    {
      name: 'authors of several commits',
      commits: [aCommit('bob', { sha: OLD_SHA }), aCommit(AUTHOR)],
      contributors: [
        ['bob', 'authored bada551'],
        ['alice', 'authored c0ffee1'],
      ],
    },
    {
      name: 'someone who pushed to the head branch while the PR was open',
      commits: [aCommit(AUTHOR)],
      pushers: [aPush('dave', MID_SHA)],
      contributors: [
        ['alice', 'authored c0ffee1'],
        ['dave', 'pushed 3f2a1c9'],
      ],
    },
    {
      name: 'a pusher who also wrote a commit (the commit is named)',
      commits: [aCommit(AUTHOR)],
      pushers: [aPush(AUTHOR)],
      contributors: [['alice', 'authored c0ffee1']],
    },
    {
      name: 'one person under two cases of their login (listed once, first contribution kept)',
      commits: [
        aCommit('Erin', { sha: OLD_SHA }),
        aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', 'erin')] }),
      ],
      contributors: [
        ['Erin', 'authored bada551'],
        ['alice', 'authored c0ffee1'],
      ],
    },
    {
      name: 'GitHub’s web-flow committer (not a person)',
      commits: [
        aCommit(AUTHOR, { committedViaWeb: true, identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', 'web-flow')] }),
      ],
      contributors: [['alice', 'authored c0ffee1']],
    },
    {
      name: 'GitHub’s unresolved noreply committer of a web commit (not a person)',
      commits: [
        aCommit(AUTHOR, {
          committedViaWeb: true,
          identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', null, 'noreply@github.com')],
        }),
      ],
      contributors: [['alice', 'authored c0ffee1']],
    },
    {
      name: 'a noreply@github.com committer on a commit not made on the web (unknown)',
      commits: [aCommit(AUTHOR, { identities: [gitIdentity('author', AUTHOR), gitIdentity('committer', null, 'noreply@github.com')] })],
      contributors: [['alice', 'authored c0ffee1']],
      unattributed: [{ commitSha: HEAD_SHA, role: 'committer', email: 'noreply@github.com' }],
    },
    {
      name: 'an author, committer and co-author GitHub could not resolve',
      commits: [
        aCommit(null, {
          sha: MID_SHA,
          identities: [
            gitIdentity('author', null, 'ghost@example.com'),
            gitIdentity('co-author', null, 'shadow@example.com'),
            { role: 'committer', login: null, name: null, email: null },
          ],
        }),
      ],
      contributors: [],
      unattributed: [
        { commitSha: MID_SHA, role: 'author', email: 'ghost@example.com' },
        { commitSha: MID_SHA, role: 'co-author', email: 'shadow@example.com' },
        { commitSha: MID_SHA, role: 'committer', email: null },
      ],
    },
    {
      name: 'a merge that only brings in the base branch (nobody, not even an unknown identity)',
      commits: [
        aCommit(AUTHOR, { sha: OLD_SHA }),
        aBaseMerge('erin', { identities: [gitIdentity('author', 'erin'), gitIdentity('committer', null)] }),
      ],
      cleanBaseMerges: [MERGE_SHA],
      contributors: [['alice', 'authored bada551']],
    },
    {
      name: 'a merge of the base branch not verified clean',
      commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge('erin')],
      contributors: [
        ['alice', 'authored bada551'],
        ['erin', 'authored 1a2b3c4'],
      ],
    },
    {
      name: 'the pusher of a clean base merge ("Update branch" makes nobody a contributor)',
      commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge('erin')],
      pushers: [aPush('erin', MERGE_SHA)],
      cleanBaseMerges: [MERGE_SHA],
      contributors: [['alice', 'authored bada551']],
    },
    {
      name: 'the pusher of a merge not verified clean',
      commits: [aCommit(AUTHOR, { sha: OLD_SHA }), aBaseMerge('erin')],
      pushers: [aPush('erin', MERGE_SHA)],
      contributors: [
        ['alice', 'authored bada551'],
        ['erin', 'authored 1a2b3c4'],
      ],
    },
  ])('$name', (row) => {
    // Act
    const result = findContributors({ commits: row.commits, pushers: row.pushers ?? [], cleanBaseMerges: row.cleanBaseMerges ?? [] });

    // Assert
    expect([...result.byLogin.values()].map((c) => [c.login, c.detail])).toEqual(row.contributors);
    expect(result.unattributed.map(({ commitSha, role, email }) => ({ commitSha, role, email }))).toEqual(row.unattributed ?? []);
  });

  it('keys contributors by lower-cased login', () => {
    // Act
    const { byLogin } = findContributors({ commits: [aCommit('Erin')], pushers: [], cleanBaseMerges: [] });

    // Assert
    expect(byLogin.get('erin')).toEqual({ login: 'Erin', detail: 'authored c0ffee1' });
  });

  it('keeps the name, email and role of an unresolved identity as evidence', () => {
    // Act
    const { unattributed } = findContributors({
      commits: [
        aCommit(AUTHOR, {
          identities: [gitIdentity('author', AUTHOR), { role: 'co-author', login: null, name: 'Ghost', email: 'ghost@example.com' }],
        }),
      ],
      pushers: [],
      cleanBaseMerges: [],
    });

    // Assert
    expect(unattributed).toEqual([{ role: 'co-author', login: null, name: 'Ghost', email: 'ghost@example.com', commitSha: HEAD_SHA }]);
  });
});
