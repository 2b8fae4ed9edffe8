/** A stored row whose data is no longer JSON: someone wrote to the table behind the app's back. */
export class CorruptEntryError extends Error {
  constructor(readonly seq: number) {
    super(`audit entry ${seq} has data that is not valid JSON: the entry was changed after it was written`);
    this.name = 'CorruptEntryError';
  }
}
