/** A policy file as found on a default branch. */
export interface ConfigFile {
  repo: string;
  path: string;
  blobSha: string;
  /** Null when GitHub cannot give the text (a binary or oversized file): an unreadable policy, not a missing one. */
  text: string | null;
}
