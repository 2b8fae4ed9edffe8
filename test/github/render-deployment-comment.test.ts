import { describe, expect, it } from '@jest/globals';
import type { DeployedChange } from '../../src/audit/deployment-records.js';
import { renderGateComment, renderUnreadableComment } from '../../src/github/render-deployment-comment.js';

const sha = (c: string): string => c.repeat(40);

function deployed(prNumber: number, overrides: Partial<DeployedChange> = {}): DeployedChange {
  return {
    prNumber,
    title: `CHG-${prNumber}: change ${prNumber}`,
    url: `https://github.com/acme/api/pull/${prNumber}`,
    headSha: sha('a'),
    mergeSha: sha('b'),
    mergeSeq: prNumber,
    ticket: `CHG-${prNumber}`,
    basis: 'approved',
    emergency: null,
    ...overrides,
  };
}

const base = { environment: 'production', sha: sha('f'), previousSha: sha('e'), uncovered: [] };

describe('renderGateComment', () => {
  it('lists the changes and tickets of an approved deployment', () => {
    const text = renderGateComment({ ...base, state: 'approved', commitCount: 3, changes: [deployed(1), deployed(2, { ticket: null })] });

    expect(text).toBe(
      [
        'Change Control approved fffffff for production: 3 commits new since eeeeeee, all from approved changes.',
        '- #1 CHG-1: change 1 (ticket CHG-1)',
        '- #2 CHG-2: change 2 (no ticket)',
      ].join('\n'),
    );
  });

  it('lists an emergency change whose retrospective approval is outstanding', () => {
    const emergency = { by: 'oncall', seq: 9, retro: 'awaiting' as const, retroBy: null };
    const text = renderGateComment({
      ...base,
      state: 'approved',
      commitCount: 1,
      changes: [deployed(4, { basis: 'emergency', emergency })],
    });

    expect(text).toContain('1 emergency change still awaits retrospective approval.');
    expect(text).toContain(
      '- #4 CHG-4: change 4 (ticket CHG-4) — emergency change authorised by @oncall, retrospective approval outstanding',
    );
  });

  it('names each commit without an approved change, in full, and why', () => {
    const text = renderGateComment({
      ...base,
      state: 'rejected',
      commitCount: 2,
      changes: [deployed(1)],
      uncovered: [{ sha: sha('d'), reason: 'no merged pull request recorded by Change Control contains it' }],
    });

    expect(text.split('\n')).toEqual([
      'Change Control rejected fffffff for production: 1 of 2 commits new since eeeeeee have no approved change.',
      `- ${sha('d')}: no merged pull request recorded by Change Control contains it`,
      'Approved changes in this deployment:',
      '- #1 CHG-1: change 1 (ticket CHG-1)',
    ]);
  });

  it('says a redeployment brings nothing new', () => {
    expect(renderGateComment({ ...base, state: 'approved', commitCount: 0, changes: [] })).toMatch(
      /brings no commit that is not already there/,
    );
  });

  it('keeps titles on one line and long lists short', () => {
    const many = Array.from({ length: 25 }, (_, i) => deployed(i + 1, { title: `line one\nline two ${'x'.repeat(100)}` }));
    const text = renderGateComment({ ...base, state: 'approved', commitCount: 25, changes: many });

    const lines = text.split('\n');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[1]).toMatch(/^- #1 line one line two x+… \(ticket CHG-1\)$/);
    expect(lines.at(-1)).toBe(`- … and 5 more (change-control audit trace ${sha('f')})`);
  });
});

describe('renderUnreadableComment', () => {
  it('rejects, saying what could not be read', () => {
    expect(renderUnreadableComment({ environment: 'production', sha: sha('f'), reason: 'connect ECONNREFUSED 127.0.0.1:5432' })).toBe(
      'Change Control rejected fffffff for production: the evidence could not be read (connect ECONNREFUSED 127.0.0.1:5432). Nothing is approved without it; re-run the job once it can be read.',
    );
  });
});
