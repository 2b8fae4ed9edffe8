import { describe, it, expect } from '@jest/globals';
import { findTicketKeys, type TicketKeySearch } from '../../src/policy/find-ticket-keys.js';

interface Row {
  name: string;
  title?: string;
  headRef?: string;
  body?: string;
  projects?: string[];
  expected: TicketKeySearch;
}

describe('findTicketKeys', () => {
  it.each<Row>([
    {
      name: 'a key in the title',
      title: 'CHG-12: rotate the vault key',
      expected: { key: 'CHG-12', source: 'title', otherProjectKeys: [] },
    },
    {
      name: 'a key after an HTML comment, but not the one inside it',
      body: '<!-- CHG-1 --> Ticket: CHG-2 <!-- CHG-3 -->',
      expected: { key: 'CHG-2', source: 'body', otherProjectKeys: [] },
    },
    {
      name: 'the title before the branch and the body',
      title: 'Rotate key (CHG-1)',
      headRef: 'feature/CHG-2-rotate',
      body: 'Ticket: CHG-3',
      expected: { key: 'CHG-1', source: 'title', otherProjectKeys: [] },
    },
    {
      name: 'a key after a hyphen in the branch',
      title: 'Hotfix',
      headRef: 'hotfix-CHG-12',
      expected: { key: 'CHG-12', source: 'branch', otherProjectKeys: [] },
    },
    {
      name: 'a key before an underscore in the branch',
      title: 'Fix',
      headRef: 'feature/CHG-12_fix',
      expected: { key: 'CHG-12', source: 'branch', otherProjectKeys: [] },
    },
    {
      name: 'no key glued to letters or digits',
      title: 'XCHG-12 and CHG-12a',
      expected: { key: null, source: null, otherProjectKeys: ['XCHG-12'] },
    },
    {
      name: 'the branch before the body',
      title: 'Rotate the vault key',
      headRef: 'feature/CHG-2-rotate',
      body: 'Ticket: CHG-3',
      expected: { key: 'CHG-2', source: 'branch', otherProjectKeys: [] },
    },
    {
      name: 'the body when the title and branch name none',
      title: 'Rotate the vault key',
      headRef: 'rotate-key',
      body: 'Implements CHG-3.\nSee the runbook.',
      expected: { key: 'CHG-3', source: 'body', otherProjectKeys: [] },
    },
    {
      name: 'lower-case chg-12 in the branch feature/chg-12-fix, upper-cased',
      headRef: 'feature/chg-12-fix',
      expected: { key: 'CHG-12', source: 'branch', otherProjectKeys: [] },
    },
    {
      name: 'a mixed-case key in the body',
      body: 'Fixes Chg-7',
      expected: { key: 'CHG-7', source: 'body', otherProjectKeys: [] },
    },
    {
      name: 'the first key when a text has two',
      title: 'CHG-5 and CHG-4',
      expected: { key: 'CHG-5', source: 'title', otherProjectKeys: [] },
    },
    {
      name: 'a key in brackets with punctuation after it',
      title: '[CHG-12]: fix (see CHG-13).',
      expected: { key: 'CHG-12', source: 'title', otherProjectKeys: [] },
    },
    {
      name: 'a key of any configured project',
      title: 'Release train REL-9',
      projects: ['CHG', 'REL'],
      expected: { key: 'REL-9', source: 'title', otherProjectKeys: [] },
    },
    {
      name: 'a project key with a digit in it',
      title: 'CHG2-5 hotfix',
      projects: ['CHG2'],
      expected: { key: 'CHG2-5', source: 'title', otherProjectKeys: [] },
    },
    {
      name: 'UTF-8 in the title is not a ticket; the body key is',
      title: 'Decode input as UTF-8',
      body: 'CHG-3',
      expected: { key: 'CHG-3', source: 'body', otherProjectKeys: ['UTF-8'] },
    },
  ])('finds $name', ({ title = '', headRef = 'topic', body = '', projects = ['CHG'], expected }) => {
    // Act
    const { keys, ...result } = findTicketKeys({ title, headRef, body, projects });

    // Assert
    expect(result).toEqual(expected);
    expect(keys?.[0]).toEqual(expected.key === null ? undefined : { key: expected.key, source: expected.source });
  });

  it.each<Row>([
    { name: 'nothing key-shaped', title: 'Rotate the vault key', expected: { key: null, source: null, otherProjectKeys: [] } },
    { name: 'UTF-8', title: 'Read files as UTF-8', expected: { key: null, source: null, otherProjectKeys: ['UTF-8'] } },
    { name: 'a date 2024-05-01', body: 'Release on 2024-05-01', expected: { key: null, source: null, otherProjectKeys: [] } },
    { name: 'sha-256', headRef: 'sha-256-checksums', expected: { key: null, source: null, otherProjectKeys: ['SHA-256'] } },
    { name: 'a key of another project', title: 'OPS-5 follow-up', expected: { key: null, source: null, otherProjectKeys: ['OPS-5'] } },
    {
      name: 'a configured key inside a longer project key',
      title: 'XCHG-12 and CHGX-3',
      expected: { key: null, source: null, otherProjectKeys: ['XCHG-12', 'CHGX-3'] },
    },
    { name: 'a configured key followed by letters', title: 'CHG-12a draft', expected: { key: null, source: null, otherProjectKeys: [] } },
    {
      name: 'a key inside an HTML comment of the body',
      body: 'Rotates the keys.\n<!-- CHG-12 -->',
      expected: { key: null, source: null, otherProjectKeys: [] },
    },
    {
      name: 'a key inside a multi-line HTML comment',
      body: '<!--\nticket: CHG-12\n-->\nRotates the keys.',
      expected: { key: null, source: null, otherProjectKeys: [] },
    },
    {
      name: 'a key after an unclosed HTML comment (GitHub hides the rest)',
      body: 'Rotates the keys. <!-- hidden\nCHG-12',
      expected: { key: null, source: null, otherProjectKeys: [] },
    },
    {
      name: 'the same other-project key twice (listed once)',
      title: 'utf-8',
      body: 'UTF-8 everywhere',
      expected: { key: null, source: null, otherProjectKeys: ['UTF-8'] },
    },
  ])('finds no ticket in $name', ({ title = '', headRef = 'topic', body = '', projects = ['CHG'], expected }) => {
    // Act
    const { keys, ...result } = findTicketKeys({ title, headRef, body, projects });

    // Assert
    expect(result).toEqual(expected);
    expect(keys?.[0]).toEqual(expected.key === null ? undefined : { key: expected.key, source: expected.source });
  });
});

describe('findTicketKeys: several keys and ServiceNow numbers', () => {
  it('lists every configured-project key once, in the order title, branch, body', () => {
    const search = findTicketKeys({
      title: 'CHG-1 and OPS-2',
      headRef: 'feature/CHG-3',
      body: 'Also CHG-1 and chg-4, not XYZ-5',
      projects: ['CHG', 'OPS'],
    });

    expect(search.keys).toEqual([
      { key: 'CHG-1', source: 'title' },
      { key: 'OPS-2', source: 'title' },
      { key: 'CHG-3', source: 'branch' },
      { key: 'CHG-4', source: 'body' },
    ]);
    expect(search.otherProjectKeys).toEqual(['XYZ-5']);
  });

  it.each([
    { name: 'a change number in the title', title: 'CHG0030001: rotate key', projects: [], keys: [{ key: 'CHG0030001', source: 'title' }] },
    {
      name: 'lower case, in the branch',
      title: 'Rotate',
      headRef: 'feature/chg0030002-rotate',
      projects: [],
      keys: [{ key: 'CHG0030002', source: 'branch' }],
    },
    { name: 'a custom prefix', title: 'RFC0001234', projects: ['RFC'], keys: [{ key: 'RFC0001234', source: 'title' }] },
    { name: 'too few digits, or glued to letters', title: 'CHG12345 and XCHG0030001', projects: [], keys: [] },
    { name: 'Jira-style keys are not ServiceNow numbers', title: 'CHG-12', projects: [], keys: [] },
  ])('ServiceNow: $name', ({ title, headRef, projects, keys }) => {
    const search = findTicketKeys({ title, headRef: headRef ?? 'main', body: '', projects, style: 'servicenow' });

    expect(search.keys).toEqual(keys);
    expect(search.key).toBe(keys[0]?.key ?? null);
  });
});
