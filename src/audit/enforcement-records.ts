import { z } from 'zod';
import { AccessFacts, AccessReview } from '../policy/access-review.js';
import { EnforcementState } from '../policy/enforcement.js';
import type { AuditEntry } from './audit-entry.js';
import { entryHash } from './canonical-hash.js';

/** What started a check: `installation`, `sweep`, `repository_ruleset`, `branch_protection_rule`, … */
const Trigger = z.string();

/**
 * The `data` of an `enforcement` entry: the judged state of one controlled branch with the facts it came from
 * (each with its source), what changed since the last entry for the branch, and whether the gate got weaker.
 * Written only when something changed, so a branch's state holds from its entry until the next one.
 */
export const EnforcementRecord = z.object({
  installationId: z.number(),
  trigger: Trigger,
  /** The policy the controlled branches came from (`repo:path@blob`), null when there is none. */
  policy: z.string().nullable(),
  state: EnforcementState,
  changes: z.array(z.string()),
  /** No longer enforced (unknown counts), or someone new can bypass it: an issue is opened. */
  lost: z.boolean(),
});
export type EnforcementRecord = z.infer<typeof EnforcementRecord>;

/** The `data` of an `access-snapshot` entry: the access review of one repository and the listings it came from. */
export const AccessSnapshotRecord = z.object({
  installationId: z.number(),
  trigger: Trigger,
  /** The controlled branches the review covers (their enforcement entries hold the bypass actors). */
  branches: z.array(z.string()),
  review: AccessReview,
  facts: AccessFacts,
});
export type AccessSnapshotRecord = z.infer<typeof AccessSnapshotRecord>;

/** The meta key that says the loss recorded in entry `seq` was alerted (value: the issue URL). */
export const enforcementAlertKey = (seq: number): string => `enforcement-alert:${seq}`;

/**
 * Whether the stored entry still hashes to its own hash: evidence from the store is checked before the app acts
 * on it (the whole chain is checked by `audit verify`). An entry that fails is not trusted as the last state.
 */
export function entryIntact(entry: AuditEntry): boolean {
  const { hash, signature: _signature, ...fields } = entry;
  return entryHash(fields, entry.prevHash) === hash;
}
