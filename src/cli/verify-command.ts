import { z } from 'zod';
import type { AuditStore } from '../audit/audit-entry.js';
import { checkWitness, type WitnessCheck } from '../audit/check-witness.js';
import type { AuditSigner } from '../audit/signing.js';
import { formatVerifyResult, verifyChain } from '../audit/verify-chain.js';
import { fileWitness, type WitnessHead } from '../audit/witness.js';
import { parseFlags } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { openReadOnlyStore } from './open-read-only-store.js';
import { readSigner } from './read-signer.js';

export const VerifyFlags = z
  .object({ database: z.string().optional(), keyFile: z.string().optional(), witnessFile: z.string().optional() })
  .strict();

/** The store against the witness file, when one is named; null when none is (the chain's own check only). */
async function checkAgainstWitness(input: {
  store: AuditStore;
  signer: AuditSigner | undefined;
  path: string | undefined;
}): Promise<WitnessCheck | null> {
  if (input.path === undefined) return null;
  const witness = fileWitness(input.path);
  let head: WitnessHead | null;
  try {
    head = await witness.latest();
  } catch (error) {
    return { ok: false, line: `WITNESS ${witness.name} cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  return checkWitness({ store: input.store, head, witnessName: witness.name, signer: input.signer });
}

/**
 * `audit verify`: recomputes the whole chain (and each signature when a key is given) and prints
 * `OK: N entries, head HASH` (exit 0) or the first broken entry (exit 1); with a witness (`--witness-file` or
 * AUDIT_WITNESS_FILE) a second line says whether the store still holds the newest head published there. Reads only.
 */
export async function verifyCommand(rawFlags: unknown, io: CliIo): Promise<ExitCode> {
  try {
    const flags = parseFlags(VerifyFlags, rawFlags);
    const signer = readSigner({ keyFile: flags.keyFile, env: io.env });
    const store = await openReadOnlyStore({ database: flags.database, env: io.env });
    try {
      const result = await verifyChain(store.iterate(), { signer });
      io.stdout.write(`${formatVerifyResult(result)}\n`);
      const witnessed = await checkAgainstWitness({
        store,
        signer,
        path: flags.witnessFile ?? (io.env.AUDIT_WITNESS_FILE?.trim() || undefined),
      });
      if (witnessed) io.stdout.write(`${witnessed.line}\n`);
      // On stderr so that stdout stays the one line scripts compare, yet nobody reads OK as "signatures checked".
      io.stderr.write(
        signer
          ? `checked: hashes and ${signer.algorithm} signatures\n`
          : 'checked: hashes only (signatures not checked: pass --key-file or set AUDIT_SIGNING_KEY)\n',
      );
      return result.ok && (witnessed?.ok ?? true) ? 0 : 1;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportFailure(io, error);
  }
}
