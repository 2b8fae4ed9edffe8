import { describe, expect, it } from '@jest/globals';
import type { AuditEntry, NewAuditEntry } from '../../src/audit/audit-entry.js';
import { currentMerges, mergeEvidenceOf } from '../../src/audit/current-merges.js';
import { mergeRow } from '../../src/report/export-row.js';
import { summariseChanges } from '../../src/report/summarise-changes.js';
import { mergeEntry } from '../cli/seed.js';

/** A stored merge entry of PR `number` with the given evidence state (`legacy`: written before claims, no field). */
function merge(
  seq: number,
  number: number,
  evidence: 'unverified' | 'verified' | 'incomplete' | 'refuted' | 'legacy',
  repo = 'acme/payments',
): AuditEntry {
  const entry: NewAuditEntry = mergeEntry({ number, repo, at: '2026-01-06T11:00:00.000Z' });
  const data = evidence === 'legacy' ? entry.data : { ...entry.data, evidence };
  return { ...entry, data, seq, prevHash: '0'.repeat(64), hash: `${seq}`.padStart(64, 'e'), signature: null };
}

const states = (entries: AuditEntry[]) => currentMerges(entries).map((e) => `${e.prNumber}:${mergeEvidenceOf(e)}@${e.seq}`);

describe('currentMerges: one merge entry per merged PR', () => {
  it.each([
    { case: 'only the claim so far: the claim, unverified', entries: [merge(1, 7, 'unverified')], expected: ['7:unverified@1'] },
    {
      case: 'the claim, then the evidence: the evidence',
      entries: [merge(1, 7, 'unverified'), merge(4, 7, 'verified')],
      expected: ['7:verified@4'],
    },
    {
      case: 'the claim, then incomplete evidence',
      entries: [merge(1, 7, 'unverified'), merge(4, 7, 'incomplete')],
      expected: ['7:incomplete@4'],
    },
    { case: 'a record written before claims existed counts as verified', entries: [merge(2, 7, 'legacy')], expected: ['7:verified@2'] },
    {
      case: 'a late claim never hides the evidence',
      entries: [merge(2, 7, 'verified'), merge(5, 7, 'unverified')],
      expected: ['7:verified@2'],
    },
    {
      case: 'a claim GitHub refuted (not merged) leaves the population',
      entries: [merge(1, 7, 'unverified'), merge(2, 7, 'refuted')],
      expected: [],
    },
    {
      case: 'a refuted claim, then the real merge: its claim, then its evidence',
      entries: [merge(1, 7, 'unverified'), merge(2, 7, 'refuted'), merge(5, 7, 'unverified')],
      expected: ['7:unverified@5'],
    },
    {
      case: 'a refuted claim never hides the evidence',
      entries: [merge(1, 7, 'verified'), merge(2, 7, 'refuted')],
      expected: ['7:verified@1'],
    },
    {
      case: 'several PRs, in audit order of what is kept',
      entries: [merge(1, 7, 'unverified'), merge(2, 8, 'unverified'), merge(3, 8, 'verified'), merge(4, 9, 'legacy')],
      expected: ['7:unverified@1', '8:verified@3', '9:verified@4'],
    },
    {
      case: 'the same number in two repositories are two merges',
      entries: [merge(1, 7, 'verified'), merge(2, 7, 'unverified', 'acme/ledger')],
      expected: ['7:verified@1', '7:unverified@2'],
    },
  ])('$case', ({ entries, expected }) => {
    expect(states(entries)).toEqual(expected);
  });
});

describe('the evidence state in exports and change summaries', () => {
  it('a merge with only its claim is exported as unverified and never counted as passed', () => {
    const claim = merge(1, 7, 'unverified');
    expect(mergeRow(claim)).toMatchObject({ pr: 7, evidence: 'unverified' });
    const [change, ...more] = summariseChanges({ merges: [claim], exceptions: [], emergencies: [], retroApprovals: [] }, new Date());
    expect(more).toEqual([]);
    expect(change).toMatchObject({ evidence: 'unverified', passed: false });
  });

  it('once verified, the change is summarised once, from the evidence', () => {
    const changes = summariseChanges(
      { merges: [merge(1, 7, 'unverified'), merge(3, 7, 'verified')], exceptions: [], emergencies: [], retroApprovals: [] },
      new Date(),
    );
    expect(changes.map((c) => [c.mergeSeq, c.evidence, c.passed])).toEqual([[3, 'verified', true]]);
  });
});
