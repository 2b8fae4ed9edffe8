/**
 * What a diff changes, whatever its line numbers: the patch-id of `git patch-id`, over what GitHub's compare API
 * gives (`files[]` of `GET /repos/{owner}/{repo}/compare/{base}...{head}`). Used to prove a merge of the base
 * branch clean (`approval.ignore_base_merges`) and a rebase free of changes to the PR's diff
 * (`approval.keep_on_rebase`). Pure: the hash is passed in.
 */

/** One file of a comparison, as GitHub lists it (`diff-entry`). */
export interface DiffFile {
  filename: string;
  previousFilename: string | null;
  /** `added`, `removed`, `modified`, `renamed`, `copied`, `changed` (mode only) or `unchanged`. */
  status: string;
  /** Null when GitHub leaves the patch out: a binary file, or a diff too large to show. */
  patch: string | null;
  /** The blob at the head; null for a removed file. */
  sha: string | null;
  /** Lines added and removed. */
  changes: number;
}

/** GitHub lists at most 300 files of a comparison: a list that long may have been cut. */
export const MAX_COMPARED_FILES = 300;

export type CanonicalPatch = { kind: 'complete'; text: string } | { kind: 'incomplete'; reason: string };

/**
 * The added and removed lines of one file, in order, under a header naming the file, its status and where it was
 * renamed from: hunk headers (line numbers) and context lines are left out, so the same change made to a file whose
 * other lines moved gives the same text. Null when GitHub gave no patch and the change cannot be named otherwise.
 */
function fileText(file: DiffFile, sameBase: boolean): string | null {
  const header = `${file.status} ${file.previousFilename === null ? '' : `${file.previousFilename} -> `}${file.filename}`;
  if (file.patch !== null) {
    const lines = file.patch.split('\n').filter((line) => line.startsWith('+') || line.startsWith('-'));
    return [header, ...lines].join('\n');
  }
  // A rename without edits changes no line.
  if (file.status === 'renamed' && file.changes === 0) return header;
  // An added file is its blob: the same blob adds the same lines.
  if (file.status === 'added' && file.sha !== null) return `${header}\nblob ${file.sha}`;
  // A removal from the same commit removes the same lines; from different merge bases they may differ.
  if (file.status === 'removed' && sameBase) return header;
  return null;
}

/**
 * The canonical text of a comparison's changes, or why there is none: more files than GitHub lists, or a file
 * whose change GitHub did not give (no patch). `sameBase`: both comparisons being matched start at the same commit.
 */
export function canonicalPatch(input: { files: DiffFile[]; sameBase: boolean }): CanonicalPatch {
  const { files, sameBase } = input;
  if (files.length >= MAX_COMPARED_FILES)
    return { kind: 'incomplete', reason: `the comparison lists ${files.length} files, GitHub's limit: it may be cut short` };
  const texts: string[] = [];
  for (const file of [...files].sort((a, b) => a.filename.localeCompare(b.filename))) {
    const text = fileText(file, sameBase);
    if (text === null) return { kind: 'incomplete', reason: `GitHub gives no patch for ${file.filename} (binary or too large)` };
    texts.push(text);
  }
  return { kind: 'complete', text: texts.join('\n') };
}

/**
 * The patch of one head against its merge base with the base branch (three-dot comparison), as evidence: the
 * commits compared and the patch id (a hash of the canonical text), or why no id can be given.
 */
export type PatchFact =
  { head: string; mergeBase: string; patchId: string } | { head: string; mergeBase: string | null; patchId: null; reason: string };

/** The patch fact of a comparison of `head` (three-dot, from `mergeBase`), hashed with `hash`. */
export function patchFact(input: { head: string; mergeBase: string; files: DiffFile[]; hash: (text: string) => string }): PatchFact {
  const { head, mergeBase } = input;
  const patch = canonicalPatch({ files: input.files, sameBase: false });
  return patch.kind === 'complete'
    ? { head, mergeBase, patchId: input.hash(patch.text) }
    : { head, mergeBase, patchId: null, reason: patch.reason };
}

export type RebaseMatch = { same: true; approved: string; current: string; patchId: string } | { same: false; why: string };

const short = (sha: string): string => sha.slice(0, 7);

/**
 * Whether the PR's own change at the current head is the change approved at an earlier head
 * (`approval.keep_on_rebase`): both patches against their merge bases are known and have the same id. A missing or
 * incomplete patch is never the same (fail closed).
 */
export function matchRebasedPatch(approved: PatchFact | undefined, current: PatchFact | undefined): RebaseMatch {
  if (approved === undefined || current === undefined) return { same: false, why: 'the diffs were not compared' };
  if (current.patchId === null) return { same: false, why: `the diff of ${short(current.head)} cannot be compared: ${current.reason}` };
  if (approved.patchId === null) return { same: false, why: `the diff of ${short(approved.head)} cannot be compared: ${approved.reason}` };
  if (approved.patchId !== current.patchId) return { same: false, why: "the PR's diff changed since" };
  return { same: true, approved: approved.head, current: current.head, patchId: current.patchId };
}
