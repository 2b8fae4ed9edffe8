import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { AuditStore } from '../../src/audit/audit-entry.js';
import { accessAt, controlsAt } from '../../src/report/enforcement-at.js';
import { readEnforcementGaps } from '../../src/report/enforcement-gaps.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { exportCommand } from '../../src/cli/export-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo, mergeEntry, seedStore, tempDir } from '../cli/seed.js';
import { enforcementEntries, REPO } from './enforcement-seed.js';

describe('enforcement history in the store', () => {
  const temp = tempDir();
  const path = join(temp.dir, 'audit.db');
  let store: AuditStore;
  beforeAll(async () => {
    const merges = [
      mergeEntry({ number: 1, at: '2026-01-10T10:00:00Z', head: '1'.repeat(40) }),
      mergeEntry({ number: 2, at: '2026-02-15T10:00:00Z', head: '2'.repeat(40), bypass: true }),
    ];
    await seedStore(
      path,
      [...enforcementEntries(), ...merges].sort((a, b) => a.at.localeCompare(b.at)),
    );
    store = await openAuditStore({ databaseUrl: `sqlite:${path}` });
  });
  afterAll(async () => {
    await store.close();
    temp.remove();
  });

  it.each([
    ['2026-01-01T00:00:00.000Z', []],
    ['2026-02-01T00:00:00.000Z', ['enforced']],
    ['2026-02-10T09:00:00.000Z', ['not-enforced']],
    ['2026-02-15T00:00:00.000Z', ['not-enforced']],
    ['2026-03-01T00:00:00.000Z', ['enforced']],
  ])('at %s the gate on main was %p', async (at, statuses) => {
    expect((await controlsAt({ store, at })).map((c) => c.status)).toEqual(statuses);
  });

  it.each([
    ['the period of the gap', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', 1],
    ['a period inside the gap', '2026-02-12T00:00:00.000Z', '2026-02-13T00:00:00.000Z', 1],
    ['a period before it', '2026-01-01T00:00:00.000Z', '2026-02-10T09:00:00.000Z', 0],
    ['a period after it', '2026-02-20T09:00:00.000Z', '2026-03-10T00:00:00.000Z', 0],
  ])('finds the gap in %s', async (_name, since, until, count) => {
    const gaps = await readEnforcementGaps({ store, since, until });
    expect(gaps).toHaveLength(count);
    if (count > 0)
      expect(gaps[0]).toMatchObject({
        repo: REPO,
        branch: 'main',
        status: 'not-enforced',
        from: '2026-02-10T09:00:00.000Z',
        to: '2026-02-20T09:00:00.000Z',
      });
  });

  it('answers the access review of a past date from the last snapshot before it', async () => {
    const [january] = await accessAt({ store, at: '2026-02-01' });
    expect(january?.review?.people.find((p) => p.login === 'alice')?.canBypass).toEqual([]);
    const [march] = await accessAt({ store, at: '2026-03-01' });
    expect(march?.review?.people.find((p) => p.login === 'alice')?.canBypass).toEqual([{ branch: 'main', via: `ruleset 7 (${REPO})` }]);
  });

  it('lists the gap in the exceptions export', async () => {
    const captured = captureIo();
    const code = await exportCommand(
      { since: '2026-02-01', until: '2026-03-01', exceptions: true, format: 'jsonl', database: `sqlite:${path}` },
      captured.io,
    );
    expect({ code, stderr: captured.stderr() }).toEqual({ code: 0, stderr: '' });
    const rows = captured
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toEqual([
      expect.objectContaining({
        repo: REPO,
        base: 'main',
        type: 'enforcement-gap',
        reason: 'change-control not-enforced on main from 2026-02-10T09:00:00.000Z until 2026-02-20T09:00:00.000Z',
        exceptions: ['no ruleset or branch protection requires change-control or Change control on main'],
        audit_seq: 4,
      }),
    ]);
  });

  it.each([
    ['1'.repeat(40), 'gate on main at merge: unknown (no enforcement check recorded before the merge)'],
    ['2'.repeat(40), 'gate on main at merge: not-enforced (enforcement entry #'],
  ])('audit trace %s says whether the gate was in force when the change merged', async (head, line) => {
    const captured = captureIo();
    const code = await runCli(['audit', 'trace', head.slice(0, 7), '--database', `sqlite:${path}`], captured.io);
    expect({ code, stderr: captured.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(captured.stdout()).toContain(line);
  });

  it('counts the gap in the HTML exceptions report', async () => {
    const captured = captureIo();
    const code = await exportCommand(
      { since: '2026-02-01', until: '2026-03-01', exceptions: true, format: 'html', database: `sqlite:${path}` },
      captured.io,
    );
    expect({ code, stderr: captured.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(captured.stdout()).toContain(
      '<p>1 exception in the period. 1 enforcement gap (the gate not in force on a controlled branch).</p>',
    );
    expect(captured.stdout()).toContain('change-control not-enforced on main from 2026-02-10T09:00:00.000Z until 2026-02-20T09:00:00.000Z');
  });
});
