import { describe, expect, it } from '@jest/globals';
import type { AuditEntry, NewAuditEntry } from '../../src/audit/audit-entry.js';
import { changeTypeOf, type MergeRecord } from '../../src/audit/evidence-records.js';
import { computePosture } from '../../src/report/compute-posture.js';
import { mergeRow } from '../../src/report/export-row.js';
import { summariseChanges } from '../../src/report/summarise-changes.js';
import { mergeEntry } from '../cli/seed.js';

/** Standard, normal and emergency changes are counted apart (docs/tickets.md#standard-changes). */

function stored(entry: NewAuditEntry, seq: number): AuditEntry {
  return { ...entry, seq, prevHash: '0'.repeat(64), hash: `${seq}`.padStart(64, 'e'), signature: null };
}

function withData(entry: NewAuditEntry, data: Partial<MergeRecord>): NewAuditEntry {
  return { ...entry, data: { ...entry.data, ...data } };
}

const STANDARD = { name: 'dependency-updates', ticket: 'CHG-1000' };

describe('changeTypeOf', () => {
  it.each<{ name: string; record: Pick<MergeRecord, 'exceptions' | 'standardChange'>; emergency: boolean; expected: string }>([
    { name: 'no class, no emergency', record: { exceptions: [] }, emergency: false, expected: 'normal' },
    { name: 'a standard change class', record: { exceptions: [], standardChange: STANDARD }, emergency: false, expected: 'standard' },
    { name: 'an emergency recorded on the merge', record: { exceptions: ['emergency'] }, emergency: false, expected: 'emergency' },
    { name: 'an emergency found in the trail', record: { exceptions: [] }, emergency: true, expected: 'emergency' },
    {
      name: 'an emergency waiver over a standard class (the waiver is why it passed)',
      record: { exceptions: ['emergency'], standardChange: STANDARD },
      emergency: false,
      expected: 'emergency',
    },
    { name: 'a bypass of a normal change stays normal', record: { exceptions: ['bypass'] }, emergency: false, expected: 'normal' },
  ])('$name: $expected', ({ record, emergency, expected }) => {
    expect(changeTypeOf(record, emergency)).toBe(expected);
  });
});

describe('exports and the dashboard', () => {
  const normal = stored(mergeEntry({ number: 41, at: '2026-01-06T11:00:00.000Z' }), 1);
  const standard = stored(withData(mergeEntry({ number: 42, at: '2026-01-07T11:00:00.000Z' }), { standardChange: STANDARD }), 2);

  it('the export names the change type and the class of each merge row', () => {
    expect([mergeRow(normal), mergeRow(standard)].map((r) => [r.pr, r.change_type, r.standard_class])).toEqual([
      [41, 'normal', null],
      [42, 'standard', 'dependency-updates'],
    ]);
  });

  it('the posture counts standard and normal changes apart', () => {
    const changes = summariseChanges({ merges: [normal, standard], exceptions: [], emergencies: [], retroApprovals: [] }, new Date());
    expect(changes.map((c) => [c.prNumber, c.changeType, c.standardClass])).toEqual([
      [41, 'normal', null],
      [42, 'standard', 'dependency-updates'],
    ]);
    const posture = computePosture({ changes, since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z', gaps: [], directPushes: [] });
    expect(posture.total).toMatchObject({ merged: 2, standard: 1, normal: 1, emergency: 0 });
  });
});
