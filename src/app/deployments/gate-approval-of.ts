import { findGateApproval } from '../../audit/find-gate-approval.js';
import { UntrustedEvidenceError, verifyEvidence } from '../../audit/verify-evidence.js';
import type { AppDeps } from '../../evaluation/app-deps.js';

/**
 * Whether the app itself approved this deployment (a verified `deployment-gate` entry with nothing uncovered):
 * the entry's number, or why not. Only an approved deployment's success moves the environment.
 */
export async function gateApprovalOf(input: {
  deps: AppDeps;
  repo: string;
  environment: string;
  deploymentId: number;
  sha: string;
}): Promise<{ gateSeq: number; reason: null } | { gateSeq: null; reason: string }> {
  const { deps } = input;
  const approval = await findGateApproval({ store: deps.audit, ...input });
  if (approval === null) {
    return {
      gateSeq: null,
      reason: `Change Control did not approve deployment ${input.deploymentId} of ${input.sha.slice(0, 7)} to ${input.environment} (no deployment-gate entry)`,
    };
  }
  try {
    await verifyEvidence({ store: deps.audit, signer: deps.auditSigner, entry: approval });
  } catch (error) {
    if (error instanceof UntrustedEvidenceError) return { gateSeq: null, reason: error.message };
    throw error;
  }
  return { gateSeq: approval.seq, reason: null };
}
