import { z } from 'zod';
import { DeployedChange, UncoveredCommit } from '../policy/deployed-change.js';

/**
 * The `data` of `deployment`, `deployment-status` and `deployment-gate` audit entries (docs/deployments.md).
 * Their `prNumber` is null (a deployment is not one PR's) and their `headSha` is the deployed commit.
 */

// The parts the pure deployment decision needs live with it in policy/; re-exported so the records read as one schema.
export { DeployedChange, RetroState, UncoveredCommit } from '../policy/deployed-change.js';

/** How the commits already in the environment were known. */
export const ProductionSource = z.enum(['audit', 'github', 'baseline']);
export type ProductionSource = z.infer<typeof ProductionSource>;

/** `deployment`: GitHub created a deployment to a gated environment. */
export const DeploymentRecord = z.object({
  deploymentId: z.number(),
  environment: z.string(),
  sha: z.string(),
  ref: z.string(),
  task: z.string(),
  /** Who created the deployment (a workflow's actor, or the API caller). */
  creator: z.string().nullable(),
  /** Who triggered the event. */
  sender: z.string().nullable(),
  createdAt: z.string(),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecord>;

/** `deployment-status`: a deployment to a gated environment reached a final state. */
export const DeploymentStatusRecord = z.object({
  deploymentId: z.number(),
  environment: z.string(),
  sha: z.string(),
  ref: z.string(),
  state: z.enum(['success', 'failure', 'error']),
  /** When GitHub recorded the status. */
  at: z.string(),
  /** Who wrote the status, and who created the deployment. */
  statusCreator: z.string().nullable(),
  deploymentCreator: z.string().nullable(),
  description: z.string().nullable(),
  /** Success only: the commit that was in the environment before, and how it was known. */
  previous: z.object({ sha: z.string(), source: ProductionSource }).nullable(),
  /** Success only: the changes this deployment brought into the environment (the "deployed" mark of each). */
  changes: z.array(DeployedChange).nullable(),
  /** Success only: commits it brought that no approved change covers (a deployment that went around the gate). */
  uncovered: z.array(UncoveredCommit).nullable(),
  /** Why `changes` could not be worked out (null when they were, or for a failed deployment). */
  changesError: z.string().nullable(),
  /**
   * Success only: the `deployment-gate` entry in which the app approved this deployment (nothing uncovered); null
   * when there is none (a `deployment-bypass`: the commit never counts as in the environment). Absent in records
   * written before the field existed, which count as null.
   */
  gateSeq: z.number().int().positive().nullable().optional(),
});
export type DeploymentStatusRecord = z.infer<typeof DeploymentStatusRecord>;

/** An `exception` entry of type `deployment-bypass`: a success on a gated environment the app did not approve. */
export const DeploymentBypassRecord = z.object({
  type: z.literal('deployment-bypass'),
  environment: z.string(),
  sha: z.string(),
  deploymentId: z.number(),
  /** Who wrote the success status, and who created the deployment. */
  statusCreator: z.string().nullable(),
  deploymentCreator: z.string().nullable(),
  /** Why it is not an approved deployment. */
  reason: z.string(),
  /** The `deployment-status` entry that recorded the success. */
  statusSeq: z.number().int().nullable(),
  /** The issue opened for the exception, when it could be opened. */
  issueUrl: z.string().nullable(),
});
export type DeploymentBypassRecord = z.infer<typeof DeploymentBypassRecord>;

/** `deployment-gate`: the app's answer to `deployment_protection_rule.requested`. */
export const DeploymentGateRecord = z.object({
  environment: z.string(),
  sha: z.string(),
  ref: z.string().nullable(),
  /** The workflow run whose job waits on the environment. */
  runId: z.number(),
  deploymentId: z.number().nullable(),
  state: z.enum(['approved', 'rejected']),
  /** The comment sent with the answer, as GitHub shows it. */
  comment: z.string(),
  previous: z.object({ sha: z.string(), source: ProductionSource }).nullable(),
  /** How many commits are new to the environment (null when they could not be read). */
  commitCount: z.number().nullable(),
  changes: z.array(DeployedChange),
  uncovered: z.array(UncoveredCommit),
  /** Why the evidence could not be read (the answer is then a rejection). */
  error: z.string().nullable(),
});
export type DeploymentGateRecord = z.infer<typeof DeploymentGateRecord>;
