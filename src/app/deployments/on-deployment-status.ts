import type { Context } from 'probot';
import { DeploymentStatusRecord } from '../../audit/deployment-records.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { acceptWork } from '../accept-work.js';
import { installationOf } from '../webhooks/installation-of.js';
import { DeploymentStatusPayload } from './deployment-payloads.js';
import { parsePayload } from '../payloads.js';

/**
 * A deployment reached a final state: queue it for recording (record-deployment-status.ts). One queue row per
 * environment, so the statuses of one environment are recorded one at a time in order across replicas, each
 * compared with the one before. Whether the environment is gated is the worker's question (it reads the policy):
 * the webhook is answered without a call to GitHub.
 */
export function onDeploymentStatus(deps: AppDeps) {
  return async (context: Context<'deployment_status.created'>): Promise<void> => {
    const p = parsePayload(DeploymentStatusPayload, 'deployment_status', context.payload);
    // Only the states that end a deployment (success, failure, error); queued, in_progress, waiting, pending and inactive are not recorded.
    const final = DeploymentStatusRecord.shape.state.safeParse(p.deployment_status.state);
    if (!final.success) return;
    const { deployment, deployment_status: status } = p;
    await acceptWork({
      deps,
      delivery: context,
      requests: [
        {
          kind: 'deployment-status',
          installationId: installationOf(context.name, context.payload),
          owner: p.repository.owner.login,
          repo: p.repository.name,
          environment: status.environment ?? deployment.environment,
          deliveryIds: [context.id],
          force: 'none',
          statusWrites: [],
          statuses: [
            {
              deliveryId: context.id,
              statusId: status.id,
              deploymentId: deployment.id,
              sha: deployment.sha,
              ref: deployment.ref,
              state: final.data,
              at: status.created_at,
              statusCreator: status.creator?.login ?? null,
              deploymentCreator: deployment.creator?.login ?? null,
              description: status.description ?? null,
            },
          ],
        },
      ],
    });
  };
}
