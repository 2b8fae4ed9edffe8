import type { Logger } from 'probot';
import type { DeploymentStatusRecord } from '../../audit/deployment-records.js';
import type { TicketConfig } from '../../policy/config-schema.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { writeToTickets } from '../../evaluation/write-back-tickets.js';

/**
 * `ticket.write_back` on deployment: a successful gated deployment comments on the ticket of each change it
 * brought into the environment (environment, deployed SHA, deployer). Outcomes are `ticket-write-back` entries.
 */
export async function tellDeployedTickets(input: {
  deps: AppDeps;
  log: Logger;
  ticket: TicketConfig;
  record: DeploymentStatusRecord;
  repo: string;
  deliveryId: string;
}): Promise<void> {
  const { deps, log, ticket, record, repo, deliveryId } = input;
  if (record.state !== 'success' || !ticket.write_back) return;
  for (const change of record.changes ?? []) {
    if (change.ticket === null) continue;
    const lines = [
      `Reached ${record.environment}: ${change.url} (#${change.prNumber} "${change.title}", ${change.basis === 'emergency' ? 'emergency change' : 'approved change'})`,
      `Deployed commit: ${record.sha} (deployment ${record.deploymentId}, ref ${record.ref})`,
      `Deployed by: ${record.deploymentCreator ?? 'unknown'}; status by ${record.statusCreator ?? 'unknown'} at ${record.at}`,
    ];
    await writeToTickets({
      deps,
      log,
      ticket,
      keys: [change.ticket],
      link: null,
      lines,
      audit: {
        deliveryId,
        repo,
        prNumber: change.prNumber,
        headSha: record.sha,
        about: { event: 'deployment', environment: record.environment, deploymentId: record.deploymentId },
      },
    });
  }
}
