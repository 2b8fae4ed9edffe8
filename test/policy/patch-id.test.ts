import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { canonicalPatch, matchRebasedPatch, patchFact, type DiffFile } from '../../src/policy/patch-id.js';
import { HEAD_SHA, OLD_SHA } from './builders.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const OLD_BASE = '0123456789abcdef0123456789abcdef01234567';
const NEW_BASE = '89abcdef0123456789abcdef0123456789abcdef';

/** A file of a comparison as GitHub lists it: a patch with hunk headers and context lines. */
function aFile(filename: string, patch: string | null, overrides: Partial<DiffFile> = {}): DiffFile {
  const changes = patch === null ? 0 : patch.split('\n').filter((l) => /^[+-]/.test(l)).length;
  return { filename, previousFilename: null, status: 'modified', patch, sha: `blob-of-${filename}`, changes, ...overrides };
}

const LEDGER = aFile('src/ledger.ts', '@@ -10,3 +10,4 @@ export function post() {\n   const a = 1;\n+  const fee = 2;\n   return a;');
const README = aFile('README.md', '@@ -1,2 +1,2 @@\n # Ledger\n-old line\n+new line');

interface Row {
  name: string;
  approved: DiffFile[];
  current: DiffFile[];
  same: boolean;
  why?: string;
}

describe('matchRebasedPatch: is the PR change at the head the one approved on an earlier head?', () => {
  it.each<Row>([
    { name: 'the same diff, nothing moved', approved: [LEDGER, README], current: [README, LEDGER], same: true },
    {
      name: 'the same diff after the base moved (other line numbers, other context, another blob)',
      approved: [LEDGER],
      current: [
        aFile(
          'src/ledger.ts',
          '@@ -42,3 +42,4 @@ export function post(): number {\n   const a = 10;\n+  const fee = 2;\n   return a * 2;',
          {
            sha: 'another-blob',
          },
        ),
      ],
      same: true,
    },
    {
      name: 'one added line changed',
      approved: [LEDGER],
      current: [aFile('src/ledger.ts', '@@ -10,3 +10,4 @@ export function post() {\n   const a = 1;\n+  const fee = 3;\n   return a;')],
      same: false,
      why: "the PR's diff changed since",
    },
    {
      name: 'a conflict resolution: the PR now replaces the line the base changed',
      approved: [README],
      current: [aFile('README.md', '@@ -1,2 +1,2 @@\n # Ledger\n-old line, as the base changed it\n+new line')],
      same: false,
      why: "the PR's diff changed since",
    },
    {
      name: 'a new commit with its own changes (one more file)',
      approved: [LEDGER],
      current: [LEDGER, aFile('src/fees.ts', '@@ -0,0 +1 @@\n+export const fee = 2;', { status: 'added' })],
      same: false,
      why: "the PR's diff changed since",
    },
    {
      name: 'a new commit that adds a hunk to the same file',
      approved: [LEDGER],
      current: [aFile('src/ledger.ts', `${LEDGER.patch}\n@@ -30,2 +31,3 @@\n   done();\n+  audit();`)],
      same: false,
      why: "the PR's diff changed since",
    },
    {
      name: 'a rename without edits, kept by the rebase',
      approved: [aFile('docs/new.md', null, { previousFilename: 'docs/old.md', status: 'renamed' })],
      current: [aFile('docs/new.md', null, { previousFilename: 'docs/old.md', status: 'renamed', sha: 'another-blob' })],
      same: true,
    },
    {
      name: 'the same hunk, now in a renamed file',
      approved: [LEDGER],
      current: [{ ...LEDGER, filename: 'src/books.ts', previousFilename: 'src/ledger.ts', status: 'renamed' }],
      same: false,
      why: "the PR's diff changed since",
    },
    {
      name: 'a large file whose patch GitHub leaves out at the head',
      approved: [LEDGER],
      current: [aFile('src/ledger.ts', null, { changes: 1200 })],
      same: false,
      why: `the diff of ${HEAD_SHA.slice(0, 7)} cannot be compared: GitHub gives no patch for src/ledger.ts (binary or too large)`,
    },
    {
      name: 'a patch left out at the approved head',
      approved: [aFile('src/ledger.ts', null, { changes: 1200 })],
      current: [LEDGER],
      same: false,
      why: `the diff of ${OLD_SHA.slice(0, 7)} cannot be compared: GitHub gives no patch for src/ledger.ts (binary or too large)`,
    },
    {
      name: 'a binary file added with the same blob',
      approved: [aFile('logo.png', null, { status: 'added', sha: 'b10b' })],
      current: [aFile('logo.png', null, { status: 'added', sha: 'b10b' })],
      same: true,
    },
    {
      name: 'a binary file added with another blob',
      approved: [aFile('logo.png', null, { status: 'added', sha: 'b10b' })],
      current: [aFile('logo.png', null, { status: 'added', sha: 'b20b' })],
      same: false,
      why: "the PR's diff changed since",
    },
    {
      name: 'a binary file modified (no patch: what it replaced is unknown)',
      approved: [aFile('logo.png', null, { sha: 'b10b' })],
      current: [aFile('logo.png', null, { sha: 'b10b' })],
      same: false,
      why: `the diff of ${HEAD_SHA.slice(0, 7)} cannot be compared: GitHub gives no patch for logo.png (binary or too large)`,
    },
    {
      name: 'a file removed without a patch from different merge bases',
      approved: [aFile('big.sql', null, { status: 'removed', sha: null, changes: 5000 })],
      current: [aFile('big.sql', null, { status: 'removed', sha: null, changes: 5000 })],
      same: false,
      why: `the diff of ${HEAD_SHA.slice(0, 7)} cannot be compared: GitHub gives no patch for big.sql (binary or too large)`,
    },
    {
      name: "a comparison at GitHub's 300-file limit",
      approved: [LEDGER],
      current: Array.from({ length: 300 }, (_, i) => aFile(`gen/${i}.ts`, '@@ -1 +1 @@\n-a\n+b')),
      same: false,
      why: `the diff of ${HEAD_SHA.slice(0, 7)} cannot be compared: the comparison lists 300 files, GitHub's limit: it may be cut short`,
    },
  ])('$name', ({ approved, current, same, why }) => {
    const approvedPatch = patchFact({ head: OLD_SHA, mergeBase: OLD_BASE, files: approved, hash: sha256 });
    const currentPatch = patchFact({ head: HEAD_SHA, mergeBase: NEW_BASE, files: current, hash: sha256 });

    const match = matchRebasedPatch(approvedPatch, currentPatch);

    expect(match.same).toBe(same);
    if (match.same) expect(match).toEqual({ same: true, approved: OLD_SHA, current: HEAD_SHA, patchId: currentPatch.patchId });
    else expect(match.why).toBe(why);
  });

  it('is never the same when a patch was not read', () => {
    const patch = patchFact({ head: HEAD_SHA, mergeBase: NEW_BASE, files: [LEDGER], hash: sha256 });
    expect(matchRebasedPatch(undefined, patch)).toEqual({ same: false, why: 'the diffs were not compared' });
    expect(matchRebasedPatch(patch, undefined)).toEqual({ same: false, why: 'the diffs were not compared' });
  });
});

describe('canonicalPatch', () => {
  it('keeps the added and removed lines under a header per file, without line numbers or context', () => {
    const renamed = aFile('src/books.ts', '@@ -3,2 +3,2 @@\n ctx\n-a\n+b', { previousFilename: 'src/ledger.ts', status: 'renamed' });
    expect(canonicalPatch({ files: [renamed, README], sameBase: false })).toEqual({
      kind: 'complete',
      text: ['modified README.md', '-old line', '+new line', 'renamed src/ledger.ts -> src/books.ts', '-a', '+b'].join('\n'),
    });
  });

  it('accepts a removal without a patch only when both sides start at the same commit', () => {
    const removed = aFile('big.sql', null, { status: 'removed', sha: null, changes: 5000 });
    expect(canonicalPatch({ files: [removed], sameBase: true })).toEqual({ kind: 'complete', text: 'removed big.sql' });
    expect(canonicalPatch({ files: [removed], sameBase: false }).kind).toBe('incomplete');
  });

  it('gives the patch id as the hash of the canonical text, with the merge base', () => {
    const fact = patchFact({ head: HEAD_SHA, mergeBase: NEW_BASE, files: [README], hash: sha256 });
    expect(fact).toEqual({ head: HEAD_SHA, mergeBase: NEW_BASE, patchId: sha256('modified README.md\n-old line\n+new line') });
  });
});
