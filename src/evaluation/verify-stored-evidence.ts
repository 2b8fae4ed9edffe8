import type { AuditEntry } from '../audit/audit-entry.js';
import { UntrustedEvidenceError, verifyEvidence } from '../audit/verify-evidence.js';
import type { AppDeps } from './app-deps.js';
import { EvaluationError } from './lookup-tickets.js';

/**
 * Checks stored entries before the evaluation acts on them (verify-evidence.ts). One that fails makes the
 * evaluation an `error` that names the entry and why: never a pass on forged evidence, never a silent skip.
 */
export async function verifyStoredEvidence(input: { deps: AppDeps; entries: AuditEntry[] }): Promise<void> {
  const { deps } = input;
  try {
    for (const entry of input.entries) await verifyEvidence({ store: deps.audit, signer: deps.auditSigner, entry });
  } catch (error) {
    if (!(error instanceof UntrustedEvidenceError)) throw error;
    throw new EvaluationError(
      error.message,
      `Run \`change-control audit verify\` and find out who wrote entry ${error.entry.seq}: the app did not, or it was changed since.`,
    );
  }
}
