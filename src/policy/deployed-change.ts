import { z } from 'zod';

/** Where an emergency change stands with its retrospective approval, as of a given time (audit/emergency-status.ts works it out). */
export type RetroStatus = 'approved' | 'approved-late' | 'awaiting' | 'overdue';

/** Where an emergency change stands with its retrospective approval (see audit/emergency-status.ts). */
export const RetroState = z.enum(['approved', 'approved-late', 'awaiting', 'overdue']);

/** A change (a merged PR) that a deployment contains, with what made it deployable. */
export const DeployedChange = z.object({
  prNumber: z.number().int().positive(),
  title: z.string(),
  url: z.string(),
  headSha: z.string(),
  mergeSha: z.string().nullable(),
  /** The `merge` entry that holds the change's evidence. */
  mergeSeq: z.number().int(),
  ticket: z.string().nullable(),
  /** `approved`: merged with a passing verdict; `emergency`: authorised as an emergency change. */
  basis: z.enum(['approved', 'emergency']),
  emergency: z
    .object({
      by: z.string(),
      /** The `emergency` entry. */
      seq: z.number().int(),
      retro: RetroState,
      retroBy: z.string().nullable(),
    })
    .nullable(),
});
export type DeployedChange = z.infer<typeof DeployedChange>;

/** A deployed commit that no approved change covers, and why. */
export const UncoveredCommit = z.object({ sha: z.string(), reason: z.string() });
export type UncoveredCommit = z.infer<typeof UncoveredCommit>;
