import { z } from 'zod';

/**
 * The shapes `audit show` reads from the `data` of verdict, push and status-overwritten entries (merge and
 * exception data have their schemas in audit/evidence-records.ts). Only the fields shown are declared.
 */

export const VerdictData = z.object({
  verdict: z.object({
    state: z.string(),
    description: z.string(),
    controls: z.array(z.object({ control: z.string(), outcome: z.string(), summary: z.string() })).optional(),
    errors: z.array(z.string()).optional(),
    policy: z.object({ repo: z.string(), path: z.string(), blobSha: z.string() }).nullable().optional(),
  }),
});

export const PushData = z.object({ pusher: z.string(), action: z.string().nullable().optional() });

export const StatusOverwrittenData = z.object({
  overwrittenBy: z.string(),
  state: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
});
