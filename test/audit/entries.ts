import type { NewAuditEntry } from '../../src/audit/audit-entry.js';

const SHA = 'a'.repeat(40);

/** A valid entry; override what the test is about. */
export function newEntry(overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    kind: 'verdict',
    at: '2025-03-01T10:00:00.000Z',
    deliveryId: null,
    repo: 'acme/payments',
    prNumber: 7,
    headSha: SHA,
    data: { state: 'success', reasons: ['ticket PAY-1 approved'] },
    ...overrides,
  };
}

/** Appends `count` entries one by one, numbered in their data, and returns them. */
export async function appendNumbered(store: { append(entry: NewAuditEntry): Promise<unknown> }, count: number): Promise<void> {
  for (let index = 1; index <= count; index += 1) await store.append(newEntry({ data: { index } }));
}
