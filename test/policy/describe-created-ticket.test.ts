import { describe, expect, it } from '@jest/globals';
import { describeCreatedTicket, ticketLine, ticketMarker, withTicketLine } from '../../src/policy/describe-created-ticket.js';
import { findTicketKeys } from '../../src/policy/find-ticket-keys.js';
import { aChangedFile, anApprovalConfig, aPullRequest, aRule } from './builders.js';

const LINE = '<!-- change-control:ticket -->Change ticket: CHG-101 (created by Change Control)';

describe('withTicketLine', () => {
  it.each([
    { name: 'an empty description', body: '', expected: LINE },
    { name: 'a description of spaces', body: '  \n', expected: LINE },
    { name: 'a description: added after a blank line', body: 'Rotates the certs.\n', expected: `Rotates the certs.\n\n${LINE}` },
    {
      name: 'an earlier line (edited by someone): replaced in place',
      body: `Intro\n<!-- change-control:ticket -->Change ticket: CHG-7 (created by Change Control)\nOutro`,
      expected: `Intro\n${LINE}\nOutro`,
    },
  ])('$name', ({ body, expected }) => {
    expect(withTicketLine(body, 'CHG-101')).toBe(expected);
  });

  it('shows the key to readers: the key search finds it outside the HTML comment', () => {
    const found = findTicketKeys({ title: 'x', headRef: 'y', body: ticketLine('CHG-101'), projects: ['CHG'] });

    expect(found.keys).toEqual([{ key: 'CHG-101', source: 'body' }]);
  });
});

describe('ticketMarker', () => {
  it('is unique per PR and has no spaces (a Jira label)', () => {
    expect(ticketMarker({ owner: 'Acme', repo: 'Payments', number: 12 })).toBe('change-control-pr:acme/payments#12');
  });
});

describe('describeCreatedTicket', () => {
  const pr = aPullRequest({ title: '  Rotate the card vault key ', number: 12 });

  it.each([
    {
      name: 'no path rule applies',
      files: ['README.md'],
      rules: [],
      paths: 'Changed paths: README.md',
      hints: 'Risk hints: no path rule of the policy applies',
    },
    {
      name: 'a path rule applies: a risk hint with its files and approvals',
      files: ['src/ledger/post.ts', 'README.md'],
      rules: [aRule(['src/ledger/**'], { count: 2 })],
      paths: 'Changed paths: src/ledger/post.ts, README.md',
      hints: 'Risk hints: approval.rules[0]: 1 file(s) under src/ledger/** need 2 approval(s)',
    },
    {
      name: 'more paths than listed: counted',
      files: Array.from({ length: 32 }, (_, i) => `f${i}.txt`),
      rules: [],
      paths: `Changed paths: ${Array.from({ length: 30 }, (_, i) => `f${i}.txt`).join(', ')} and 2 more`,
      hints: 'Risk hints: no path rule of the policy applies',
    },
  ])('$name', ({ files, rules, paths, hints }) => {
    const described = describeCreatedTicket({
      pr,
      changedFiles: files.map((f) => aChangedFile(f)),
      approval: anApprovalConfig({ rules }),
    });

    expect(described.summary).toBe('Rotate the card vault key');
    expect(described.lines).toContain(paths);
    expect(described.lines).toContain(hints);
    expect(described.lines).toContain(`Size: ${files.length} changed file(s)`);
    expect(described.lines[0]).toContain(pr.url);
    expect(described.lines).toContain(`Author: ${pr.author.login}`);
  });
});
