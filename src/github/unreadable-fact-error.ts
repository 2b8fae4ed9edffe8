/**
 * A fact GitHub answered but can never give in full (a commit with more than 100 co-authors, a commit with more
 * than 2 parents): asking again gives the same answer. The open PR's verdict is an `error` either way; merge
 * evidence records it as `evidence-incomplete` instead of retrying forever (docs/audit.md#merge-evidence).
 */
export class UnreadableFactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFactError';
  }
}
