import { z } from 'zod';
import { formatVerifyResult, verifyChain } from '../audit/verify-chain.js';
import { parseFlags } from './cli-flags.js';
import { reportFailure, type CliIo, type ExitCode } from './cli-io.js';
import { openReadOnlyStore } from './open-read-only-store.js';
import { readSigner } from './read-signer.js';

export const VerifyFlags = z.object({ database: z.string().optional(), keyFile: z.string().optional() }).strict();

/**
 * `audit verify`: recomputes the whole chain (and each signature when a key is given) and prints
 * `OK: N entries, head HASH` (exit 0) or the first broken entry (exit 1). Reads only.
 */
export async function verifyCommand(rawFlags: unknown, io: CliIo): Promise<ExitCode> {
  try {
    const flags = parseFlags(VerifyFlags, rawFlags);
    const signer = readSigner({ keyFile: flags.keyFile, env: io.env });
    const store = await openReadOnlyStore({ database: flags.database, env: io.env });
    try {
      const result = await verifyChain(store.iterate(), { signer });
      io.stdout.write(`${formatVerifyResult(result)}\n`);
      // On stderr so that stdout stays the one line scripts compare, yet nobody reads OK as "signatures checked".
      io.stderr.write(
        signer
          ? `checked: hashes and ${signer.algorithm} signatures\n`
          : 'checked: hashes only (signatures not checked: pass --key-file or set AUDIT_SIGNING_KEY)\n',
      );
      return result.ok ? 0 : 1;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportFailure(io, error);
  }
}
