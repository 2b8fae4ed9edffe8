import { appendFile, readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The head of the chain as published outside the database: enough to tell a truncated or rewritten chain. */
export const WitnessHead = z
  .object({
    seq: z.number().int().positive(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** The head entry's signature (null when the store does not sign). */
    signature: z.string().nullable(),
    /** ISO-8601 time of publication (the app's clock). */
    publishedAt: z.string(),
  })
  .strict();
export type WitnessHead = z.infer<typeof WitnessHead>;

/** Somewhere outside the database that keeps the heads the app published. */
export interface Witness {
  /** How it is named in logs and in `audit verify` (never a secret). */
  readonly name: string;
  publish(head: WitnessHead): Promise<void>;
  /** The newest head published, or null when none was. Throws when it cannot be read. */
  latest(): Promise<WitnessHead | null>;
}

/**
 * A file witness (AUDIT_WITNESS_FILE): one JSON line per published head, appended. Put it where the database's
 * users cannot write (another host's mount, an append-only or WORM volume, a log shipper's input).
 */
export function fileWitness(path: string): Witness {
  return {
    name: `file ${path}`,
    async publish(head) {
      await appendFile(path, `${JSON.stringify(WitnessHead.parse(head))}\n`, { encoding: 'utf8', mode: 0o644 });
    },
    async latest() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      let latest: WitnessHead | null = null;
      for (const [index, line] of lines.entries()) {
        const parsed = WitnessHead.safeParse(safeJson(line));
        if (!parsed.success) throw new Error(`witness ${path} line ${index + 1} is not a published head`);
        // Heads only move forward; the highest is the newest even if lines were reordered.
        if (latest === null || parsed.data.seq >= latest.seq) latest = parsed.data;
      }
      return latest;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
