import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry, AuditStore, NewAuditEntry } from '../../src/audit/audit-entry.js';
import { parseChangeFilter, type ChangeFilter } from '../../src/report/change-filter.js';
import { computePosture, formatRate, weekStartMs } from '../../src/report/compute-posture.js';
import { readChanges } from '../../src/report/read-changes.js';
import { summariseChanges } from '../../src/report/summarise-changes.js';
import { RecordShapeError } from '../../src/report/export-row.js';
import { BACKENDS } from '../store/backends.js';
import { emergencyEntry, mergeEntry, sha } from '../cli/seed.js';
import { FEBRUARY, februaryEntries, NOW } from './dashboard-seed.js';

function filter(params: Record<string, string> = {}): ChangeFilter {
  const parsed = parseChangeFilter(new URLSearchParams({ ...FEBRUARY, ...params }), NOW);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.filter;
}

// SQLite, and PostgreSQL (TEST_DATABASE_URL, else PGlite): the store's filters are SQL of each.
describe.each(BACKENDS.map((make) => [make().name, make] as const))('the posture of a seeded store on %s', (_name, make) => {
  const backend = make();
  let store: AuditStore;
  beforeAll(async () => {
    await backend.setup();
    const db = await backend.fresh();
    for (const entry of februaryEntries()) await db.store.append(entry);
    store = db.store;
  }, 60_000);
  afterAll(() => backend.teardown());

  it('counts merged, passed and each exception per repository and in total', async () => {
    const changes = await readChanges({ store, filter: filter(), now: NOW });
    const posture = computePosture({ changes, since: filter().since, until: filter().until, gaps: [], directPushes: [] });
    expect(posture.repos).toEqual([
      { repo: 'acme/ledger', merged: 3, passed: 3, rate: 1, bypass: 0, emergency: 0, emergencyOverdue: 0, standard: 0, normal: 3 },
      { repo: 'acme/payments', merged: 5, passed: 2, rate: 0.4, bypass: 1, emergency: 2, emergencyOverdue: 1, standard: 0, normal: 3 },
      { repo: 'globex/site', merged: 1, passed: 1, rate: 1, bypass: 0, emergency: 0, emergencyOverdue: 0, standard: 0, normal: 1 },
    ]);
    expect(posture.total).toEqual({
      merged: 9,
      passed: 6,
      rate: 6 / 9,
      bypass: 1,
      emergency: 2,
      emergencyOverdue: 1,
      standard: 0,
      normal: 7,
    });
    expect(formatRate(posture.total.rate)).toBe('66.7 %');
  });

  it('gives the weekly rate, weeks starting on Monday, a week without merges having no rate', async () => {
    const changes = await readChanges({ store, filter: filter(), now: NOW });
    const { weeks } = computePosture({ changes, since: filter().since, until: filter().until, gaps: [], directPushes: [] });
    expect(weeks).toEqual([
      { weekStart: '2026-01-26', merged: 0, passed: 0, rate: null },
      { weekStart: '2026-02-02', merged: 4, passed: 4, rate: 1 },
      { weekStart: '2026-02-09', merged: 2, passed: 0, rate: 0 },
      { weekStart: '2026-02-16', merged: 2, passed: 1, rate: 0.5 },
      { weekStart: '2026-02-23', merged: 1, passed: 1, rate: 1 },
    ]);
  });

  it.each([
    [{ org: 'acme' }, 8],
    [{ org: 'ACME' }, 8],
    [{ repo: 'acme/ledger' }, 3],
    [{ verdict: 'pending' }, 1],
    [{ exception: 'any' }, 3],
    [{ exception: 'none' }, 6],
    [{ exception: 'bypass' }, 1],
    [{ exception: 'emergency' }, 2],
    [{ exception: 'emergency-overdue' }, 1],
    [{ ticket: 'pay-12' }, 9],
    [{ person: 'frank' }, 1],
    [{ person: 'admin-carol' }, 1],
    [{ person: 'dave' }, 8],
    [{ since: '2026-02-10', until: '2026-02-11' }, 1],
  ])('filters %j to %i changes', async (params, count) => {
    expect(await readChanges({ store, filter: filter(params as Record<string, string>), now: NOW })).toHaveLength(count);
  });

  it('reads the emergency of #54 as approved in time, and #53 as overdue', async () => {
    const changes = await readChanges({ store, filter: filter({ repo: 'acme/payments' }), now: NOW });
    expect(changes.map((c) => [c.prNumber, c.passed, c.exceptions])).toEqual([
      [50, true, []],
      [51, true, []],
      [52, false, ['bypass']],
      [53, false, ['emergency-overdue']],
      [54, false, ['emergency']],
    ]);
  });

  it('reads #53 as awaiting (not overdue) before its due time', async () => {
    const before = new Date('2026-02-12T00:00:00.000Z');
    const changes = await readChanges({ store, filter: filter({ repo: 'acme/payments' }), now: before });
    expect(changes.find((c) => c.prNumber === 53)?.exceptions).toEqual(['emergency']);
  });
});

describe('summariseChanges', () => {
  it('refuses a merge entry that is not a merge record rather than leave it out', () => {
    const broken = {
      seq: 3,
      kind: 'merge',
      at: '2026-02-01T00:00:00.000Z',
      deliveryId: null,
      repo: 'acme/x',
      prNumber: 1,
      headSha: null,
      data: { pr: 'oops' },
      prevHash: '',
      hash: '',
      signature: null,
    } as AuditEntry;
    expect(() => summariseChanges({ merges: [broken], exceptions: [], emergencies: [], retroApprovals: [] }, NOW)).toThrow(
      RecordShapeError,
    );
  });

  it.each([
    { recorded: [], expected: ['emergency'] },
    // The app writes `exceptions: ["emergency"]` on the merge of an emergency change (docs/audit.md): not a bypass.
    { recorded: ['emergency'], expected: ['emergency'] },
    { recorded: ['bypass'], expected: ['bypass', 'emergency'] },
  ])('reads a merge record with exceptions $recorded after an emergency as $expected', ({ recorded, expected }) => {
    const stored = (entry: NewAuditEntry, seq: number): AuditEntry => ({ ...entry, seq, prevHash: '', hash: '', signature: null });
    const emergency = stored(
      emergencyEntry({ number: 60, at: '2026-02-17T03:00:00.000Z', dueAt: '2026-02-20T03:00:00.000Z', head: sha('e') }),
      1,
    );
    const merge = stored(mergeEntry({ number: 60, at: '2026-02-17T03:30:00.000Z', head: sha('e') }), 2);
    merge.data = { ...merge.data, exceptions: recorded };
    const [change] = summariseChanges(
      { merges: [merge], exceptions: [], emergencies: [emergency], retroApprovals: [] },
      new Date('2026-02-18T00:00:00.000Z'),
    );
    expect(change?.exceptions).toEqual(expected);
  });
});

describe('weekStartMs', () => {
  it.each([
    ['2026-02-01T23:00:00Z', '2026-01-26'],
    ['2026-02-02T00:00:00Z', '2026-02-02'],
    ['2026-02-08T23:59:59Z', '2026-02-02'],
    ['1970-01-01T00:00:00Z', '1969-12-29'],
  ])('puts %s in the week of %s', (at, monday) => {
    expect(new Date(weekStartMs(Date.parse(at))).toISOString().slice(0, 10)).toBe(monday);
  });
});
