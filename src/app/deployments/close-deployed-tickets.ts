import type { Logger } from 'probot';
import type { DeploymentStatusRecord } from '../../audit/deployment-records.js';
import type { AppDeps } from '../../evaluation/app-deps.js';
import { closeCreatedTicket } from '../../evaluation/close-created-ticket.js';
import type { TicketConfig } from '../../policy/config-schema.js';

/**
 * `ticket.close_on: deploy`: a successful gated deployment closes the ticket the app created for each change it
 * brought into the environment, with the deployment's evidence. Already closed tickets are left alone, so a queued
 * retry (after a failure) closes only what is still open. Resolves to the failures' reasons.
 */
export async function closeDeployedTickets(input: {
  deps: AppDeps;
  log: Logger;
  ticket: TicketConfig;
  record: DeploymentStatusRecord;
  repo: string;
}): Promise<string[]> {
  const { deps, log, ticket, record, repo } = input;
  if (record.state !== 'success' || ticket.close_on !== 'deploy') return [];
  const failures: string[] = [];
  for (const change of record.changes ?? []) {
    const outcome = await closeCreatedTicket({
      deps,
      log,
      ticket,
      on: 'deploy',
      repo,
      prNumber: change.prNumber,
      headSha: record.sha,
      lines: [
        `Deployed to ${record.environment}: ${change.url} (#${change.prNumber} "${change.title}")`,
        `Deployed commit: ${record.sha} (deployment ${record.deploymentId}, ref ${record.ref})`,
        `Deployed by: ${record.deploymentCreator ?? 'unknown'}; status by ${record.statusCreator ?? 'unknown'} at ${record.at}`,
        'Closed by Change Control (ticket.close_on: deploy).',
      ],
    });
    if (outcome.kind === 'failed') failures.push(outcome.reason);
  }
  return failures;
}
