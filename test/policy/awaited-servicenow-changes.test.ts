import { describe, expect, it } from '@jest/globals';
import { awaitedServiceNowChanges } from '../../src/policy/awaited-servicenow-changes.js';

const found = (key: string) => ({ found: true, key, requestedKey: key, status: 'Assess', issueType: 'Normal', summary: '', url: '' });
const missing = (key: string) => ({ found: false, requestedKey: key, url: '' });
const ticketKey = (key: string, outcome: string, lookup: unknown) => ({
  key,
  source: 'title',
  outcome,
  lookup,
  summary: '',
  approvers: [],
  window: null,
  warnings: [],
});
const verdict = (input: {
  state?: string;
  outcome?: string;
  provider?: string;
  tickets?: unknown[];
  key?: string | null;
  lookup?: unknown;
}) => ({
  state: input.state ?? 'failure',
  controls: [
    { control: 'approval', outcome: 'success', evidence: {} },
    {
      control: 'ticket',
      outcome: input.outcome ?? 'failure',
      evidence: {
        provider: input.provider ?? 'servicenow',
        key: input.key ?? null,
        lookup: input.lookup ?? null,
        ...(input.tickets ? { tickets: input.tickets } : {}),
      },
    },
  ],
});

describe('awaitedServiceNowChanges', () => {
  it.each<{ case: string; recorded: unknown; changes: string[] }>([
    {
      case: 'a failing change not approved yet',
      recorded: verdict({ tickets: [ticketKey('CHG0030001', 'failure', found('CHG0030001'))] }),
      changes: ['CHG0030001'],
    },
    {
      case: 'a pending verdict',
      recorded: verdict({ state: 'pending', outcome: 'pending', tickets: [ticketKey('chg0030001', 'failure', found('CHG0030001'))] }),
      changes: ['CHG0030001'],
    },
    {
      case: 'two changes, one approved (require: all)',
      recorded: verdict({
        tickets: [ticketKey('CHG0030001', 'success', found('CHG0030001')), ticketKey('CHG0030002', 'failure', found('CHG0030002'))],
      }),
      changes: ['CHG0030002'],
    },
    {
      case: 'the same change named twice',
      recorded: verdict({
        tickets: [ticketKey('CHG0030001', 'failure', found('CHG0030001')), ticketKey('chg0030001', 'failure', found('CHG0030001'))],
      }),
      changes: ['CHG0030001'],
    },
    {
      case: 'a record without the per-key list',
      recorded: verdict({ key: 'CHG0030001', lookup: found('CHG0030001') }),
      changes: ['CHG0030001'],
    },
    {
      case: 'a change ServiceNow does not have',
      recorded: verdict({ tickets: [ticketKey('CHG0039999', 'failure', missing('CHG0039999'))] }),
      changes: [],
    },
    { case: 'a change that was not read', recorded: verdict({ tickets: [ticketKey('CHG0030001', 'failure', null)] }), changes: [] },
    {
      case: 'a passing verdict',
      recorded: verdict({ state: 'success', outcome: 'success', tickets: [ticketKey('CHG0030001', 'success', found('CHG0030001'))] }),
      changes: [],
    },
    {
      case: 'a verdict failing on something else, its ticket passing',
      recorded: verdict({ outcome: 'success', tickets: [ticketKey('CHG0030001', 'success', found('CHG0030001'))] }),
      changes: [],
    },
    { case: 'an error verdict', recorded: { state: 'error', controls: [] }, changes: [] },
    {
      case: 'a Jira ticket',
      recorded: verdict({ provider: 'jira', tickets: [ticketKey('CHG-1', 'failure', found('CHG-1'))] }),
      changes: [],
    },
    { case: 'no ticket control', recorded: { state: 'failure', controls: [{ control: 'approval', outcome: 'failure' }] }, changes: [] },
    { case: 'nothing recorded', recorded: undefined, changes: [] },
    { case: 'a record of another shape', recorded: { state: 'failure', controls: 'ticket' }, changes: [] },
  ])('$case: $changes', ({ recorded, changes }) => {
    expect(awaitedServiceNowChanges(recorded)).toEqual(changes);
  });
});
