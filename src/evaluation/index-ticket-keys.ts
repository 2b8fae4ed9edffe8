import type { Logger } from 'probot';
import type { Verdict } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';

/** The ticket keys a verdict looked up (none when the ticket control is off or the evaluation failed). */
function keysOf(verdict: Verdict): string[] {
  if (verdict.state === 'error') return [];
  const ticket = verdict.controls.find((c) => c.control === 'ticket');
  if (!ticket || ticket.control !== 'ticket' || ticket.evidence.provider === 'none') return [];
  // Both the key the PR names and the one the provider answered with (a moved Jira issue): webhooks send the latter.
  return (ticket.evidence.tickets ?? []).flatMap((t) => (t.lookup?.found && t.lookup.key !== t.key ? [t.key, t.lookup.key] : [t.key]));
}

/**
 * Keeps the ticket key → open PR index current after an evaluation, so a ticket provider's webhook can re-evaluate
 * the PRs that reference a ticket. An evaluation that failed keeps the keys it had (a Jira outage must not unhook
 * the PR); a failure to write the index is logged and never changes the verdict.
 */
export async function indexTicketKeys(input: {
  deps: AppDeps;
  log: Logger;
  verdict: Verdict;
  installationId: number | null | undefined;
}): Promise<void> {
  const { deps, log, verdict, installationId } = input;
  if (installationId === null || installationId === undefined || verdict.state === 'error') return;
  const { owner, repo, number, headSha } = verdict.pullRequest;
  try {
    await deps.audit.indexTicketKeys({ repo: `${owner}/${repo}`, prNumber: number, installationId, headSha, keys: keysOf(verdict) });
  } catch (error) {
    log.warn({ err: error, pr: `${owner}/${repo}#${number}` }, 'ticket key index could not be updated');
  }
}

/** A closed PR leaves the index: nothing re-evaluates it when its ticket changes. */
export async function unindexPullRequest(input: { deps: AppDeps; log: Logger; repo: string; number: number }): Promise<void> {
  const { deps, log, repo, number } = input;
  try {
    await deps.audit.indexTicketKeys({ repo, prNumber: number, installationId: 0, headSha: '', keys: [] });
  } catch (error) {
    log.warn({ err: error, pr: `${repo}#${number}` }, 'ticket key index could not be updated');
  }
}
