import { z } from 'zod';
import { fileWitness, type Witness } from './witness.js';

const WitnessEnv = z.object({
  AUDIT_WITNESS_FILE: z.string().min(1, { error: 'AUDIT_WITNESS_FILE must be a file path' }).optional(),
  AUDIT_WITNESS_EVERY: z.coerce
    .number({ error: 'AUDIT_WITNESS_EVERY must be a whole number of entries ≥ 1' })
    .int({ error: 'AUDIT_WITNESS_EVERY must be a whole number of entries ≥ 1' })
    .min(1, { error: 'AUDIT_WITNESS_EVERY must be a whole number of entries ≥ 1' })
    .default(100),
  AUDIT_WITNESS_MINUTES: z.coerce
    .number({ error: 'AUDIT_WITNESS_MINUTES must be a number of minutes > 0' })
    .positive({ error: 'AUDIT_WITNESS_MINUTES must be a number of minutes > 0' })
    .default(10),
});

export interface WitnessSettings {
  witness: Witness;
  /** Publish once the chain grew by this many entries since the last publication… */
  everyEntries: number;
  /** …or this long after it, if it grew at all. */
  everyMs: number;
}

/** The witness the environment names (AUDIT_WITNESS_FILE), or null when none is set. Throws a message naming the variable. */
export function readWitnessEnv(env: NodeJS.ProcessEnv): WitnessSettings | null {
  const blank = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);
  const parsed = WitnessEnv.safeParse({
    AUDIT_WITNESS_FILE: blank(env.AUDIT_WITNESS_FILE),
    AUDIT_WITNESS_EVERY: blank(env.AUDIT_WITNESS_EVERY),
    AUDIT_WITNESS_MINUTES: blank(env.AUDIT_WITNESS_MINUTES),
  });
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'the AUDIT_WITNESS_* settings are invalid');
  const { AUDIT_WITNESS_FILE: file, AUDIT_WITNESS_EVERY: everyEntries, AUDIT_WITNESS_MINUTES: minutes } = parsed.data;
  if (file === undefined) return null;
  return { witness: fileWitness(file), everyEntries, everyMs: minutes * 60_000 };
}
