import { describe, it, expect } from '@jest/globals';
import type { CommitFact, PeopleMap, TicketPerson } from '../../src/policy/facts.js';
import { findContributors } from '../../src/policy/find-contributors.js';
import { mapTicketApprovers, type ApproverCheck } from '../../src/policy/map-ticket-approvers.js';
import { aCommit, aPullRequest, aPush, gitIdentity, MID_SHA } from './builders.js';

const PEOPLE: PeopleMap = {
  source: 'acme/.github:.github/change-control-people.yml',
  entries: [
    { login: 'alice', ticketIdentity: 'alice@acme.test' },
    { login: 'carol', ticketIdentity: '5b10ac8d82e05b22cc7d4ef5' },
    { login: 'dave', ticketIdentity: 'Dave@Acme.test' },
  ],
};
const person = (overrides: Partial<TicketPerson>): TicketPerson => ({ accountId: null, email: null, displayName: 'Someone', ...overrides });

interface Row {
  name: string;
  approver: TicketPerson;
  commits?: CommitFact[];
  pushers?: string[];
  people?: PeopleMap;
  expected: Pick<ApproverCheck, 'logins' | 'via' | 'conflict' | 'detail'>;
}

describe('mapTicketApprovers: cross-system segregation of duties', () => {
  it.each<Row>([
    {
      name: 'the PR author, by e-mail in the people file',
      approver: person({ email: 'alice@acme.test' }),
      expected: { logins: ['alice'], via: 'people-file', conflict: 'author', detail: 'is @alice (people file): the PR author' },
    },
    {
      name: 'an independent approver, by account id in the people file',
      approver: person({ accountId: '5b10ac8d82e05b22cc7d4ef5' }),
      expected: { logins: ['carol'], via: 'people-file', conflict: null, detail: 'is @carol (people file): independent of the PR' },
    },
    {
      name: 'e-mails compared ignoring case',
      approver: person({ email: 'dave@acme.test' }),
      expected: { logins: ['dave'], via: 'people-file', conflict: null, detail: 'is @dave (people file): independent of the PR' },
    },
    {
      name: 'a mapped approver who pushed to the PR is a contributor',
      approver: person({ email: 'dave@acme.test' }),
      pushers: ['dave'],
      expected: {
        logins: ['dave'],
        via: 'people-file',
        conflict: 'contributor',
        detail: 'is @dave (people file): a contributor to the PR',
      },
    },
    {
      name: 'not in the people file: their e-mail on a commit ties them to its login',
      approver: person({ email: 'erin@acme.test' }),
      commits: [
        aCommit('alice'),
        aCommit('erin', {
          sha: MID_SHA,
          identities: [gitIdentity('author', 'erin', 'erin@acme.test'), gitIdentity('committer', 'erin', 'erin@acme.test')],
        }),
      ],
      expected: {
        logins: ['erin'],
        via: 'commit-email',
        conflict: 'contributor',
        detail: 'is @erin (commit e-mail on 3f2a1c9): a contributor to the PR',
      },
    },
    {
      name: 'their e-mail on a commit GitHub could not tie to a login: still a contributor',
      approver: person({ email: 'ghost@laptop.local' }),
      commits: [aCommit('alice', { identities: [gitIdentity('author', null, 'ghost@laptop.local'), gitIdentity('committer', 'alice')] })],
      expected: {
        logins: [],
        via: 'commit-email',
        conflict: 'contributor',
        detail: 'is the e-mail on c0ffee1 (commit e-mail on c0ffee1): a contributor to the PR',
      },
    },
    {
      name: 'their e-mail on the author’s commit: the author',
      approver: person({ email: 'alice@example.com' }),
      people: { source: null, entries: [] },
      expected: {
        logins: ['alice'],
        via: 'commit-email',
        conflict: 'author',
        detail: 'is @alice (commit e-mail on c0ffee1): the PR author',
      },
    },
    {
      name: 'unknown everywhere: unmapped',
      approver: person({ email: 'frank@acme.test', accountId: 'abc' }),
      expected: {
        logins: [],
        via: null,
        conflict: null,
        detail: 'is not tied to any GitHub identity (not in the people file, e-mail not on any commit)',
      },
    },
    {
      name: 'no e-mail (hidden on Jira Cloud) and no mapping: unmapped',
      approver: person({ accountId: 'zzz' }),
      expected: {
        logins: [],
        via: null,
        conflict: null,
        detail: 'is not tied to any GitHub identity (not in the people file, e-mail not on any commit)',
      },
    },
  ])('$name', ({ approver, commits, pushers, people, expected }) => {
    // Arrange
    const pr = aPullRequest({ ...(commits ? { commits } : {}), pushers: (pushers ?? []).map((login) => aPush(login)) });

    // Act
    const [check] = mapTicketApprovers({ approvers: [approver], people: people ?? PEOPLE, pr, contributors: findContributors(pr) });

    // Assert
    expect(check).toEqual({ approver, ...expected });
  });
});
