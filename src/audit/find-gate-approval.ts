import type { AuditEntry, AuditStore } from './audit-entry.js';
import { DeploymentGateRecord } from './deployment-records.js';

/** Whether a `deployment-gate` entry approved that deployment: approved, nothing uncovered, same environment (any case). */
export function approves(entry: AuditEntry, input: { environment: string; deploymentId: number; sha?: string }): boolean {
  const gate = DeploymentGateRecord.safeParse(entry.data);
  if (!gate.success) return false;
  const { state, uncovered, environment, deploymentId, sha } = gate.data;
  if (state !== 'approved' || uncovered.length > 0 || environment.toLowerCase() !== input.environment.toLowerCase()) return false;
  // A protection rule request names its deployment; one that did not is matched by the commit.
  return deploymentId === null ? input.sha !== undefined && sha === input.sha : deploymentId === input.deploymentId;
}

/**
 * The app's own approval of a deployment: the newest `deployment-gate` entry of the repository that approved it for
 * that environment with nothing uncovered, or null. Only such a deployment, once it succeeds, moves the environment.
 */
export async function findGateApproval(input: {
  store: AuditStore;
  repo: string;
  environment: string;
  deploymentId: number;
  sha: string;
}): Promise<AuditEntry | null> {
  const gates = await input.store.list({ repo: input.repo, kinds: ['deployment-gate'], newestFirst: true });
  return gates.find((entry) => entry.headSha === input.sha && approves(entry, input)) ?? null;
}
