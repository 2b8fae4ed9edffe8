import type { Logger } from 'probot';
import type { TicketConfig } from '../policy/config-schema.js';
import type { WriteBackResult } from '../tickets/ticket-reader.js';
import type { AppDeps } from './app-deps.js';

/** What closing did: `closed`, `failed` (recorded; the caller's queue work retries it), or nothing to close. */
export type CloseOutcome = { kind: 'closed'; key: string } | { kind: 'failed'; key: string; reason: string } | { kind: 'none' };

/** What a retry needs, kept in the audit entry of a failed close (the policy is not read again). */
interface CloseRequest {
  on: 'merge' | 'deploy';
  status: string;
  closeCode: string;
  lines: string[];
}

async function closeWith(input: {
  deps: AppDeps;
  log: Logger;
  provider: 'jira' | 'servicenow';
  key: string;
  request: CloseRequest;
  repo: string;
  prNumber: number;
  headSha: string | null;
}): Promise<CloseOutcome> {
  const { deps, log, provider, key, request, repo, prNumber } = input;
  const source = provider === 'jira' ? deps.tickets : deps.serviceNow;
  let steps: WriteBackResult['steps'];
  if (!source || !('reader' in source) || !source.reader.close) {
    steps = [{ step: 'close', ok: false, error: `${provider} is not configured on the app to close tickets` }];
  } else {
    steps = (await source.reader.close({ key, status: request.status, closeCode: request.closeCode, lines: request.lines })).steps;
  }
  // The ticket is closed once its transition (Jira) or update (ServiceNow) went through; a failed comment is reported only.
  const closing = steps.find((s) => s.step === 'transition' || s.step === 'close');
  const closed = closing?.ok === true;
  const at = deps.now().toISOString();
  if (closed) await deps.createdTickets?.markClosed(repo, prNumber, at);
  const reason = closing?.error ?? 'the ticket could not be closed';
  if (!closed) log.warn({ ticket: key, steps }, 'created ticket could not be closed; recorded in the audit trail and retried');
  await deps.audit
    .append({
      kind: 'ticket-write-back',
      at,
      // A failure is one entry per attempt; the close itself is recorded once.
      deliveryId: closed ? `ticket-closed:${key}` : `ticket-close-failed:${key}:${at}`,
      repo,
      prNumber,
      headSha: input.headSha,
      data: {
        action: closed ? 'closed' : 'close-failed',
        key,
        provider,
        ok: closed && steps.every((s) => s.ok),
        steps,
        event: request.on,
        close: request,
      },
    })
    .catch((error: unknown) => log.error({ err: error, ticket: key }, 'ticket close outcome could not be recorded'));
  return closed ? { kind: 'closed', key } : { kind: 'failed', key, reason: `closing ${key} failed: ${reason}` };
}

/**
 * `ticket.close_on`: moves the ticket the app created for the PR (read from the store, never from the PR's text) to
 * `ticket.close_status` when the change is merged (`merge`) or successfully deployed (`deploy`), with the evidence
 * lines. Every attempt is a `ticket-write-back` audit entry (`action: closed | close-failed`).
 */
export async function closeCreatedTicket(input: {
  deps: AppDeps;
  log: Logger;
  ticket: TicketConfig;
  on: 'merge' | 'deploy';
  repo: string;
  prNumber: number;
  headSha: string | null;
  lines: string[];
}): Promise<CloseOutcome> {
  const { deps, ticket, on, repo, prNumber } = input;
  if (!ticket.create || ticket.close_on !== on || ticket.provider === 'none' || !deps.createdTickets) return { kind: 'none' };
  const created = await deps.createdTickets.get(repo, prNumber);
  if (created?.key == null || created.closedAt !== null) return { kind: 'none' };
  const status = ticket.close_status ?? (ticket.provider === 'servicenow' ? 'Closed' : 'Done');
  const request: CloseRequest = { on, status, closeCode: ticket.close_code ?? 'successful', lines: input.lines };
  return closeWith({ ...input, provider: created.provider, key: created.key, request });
}

/** A queued retry: closes the PR's created ticket again with what its last failed attempt asked, if it is still open. */
export async function retryCloseCreatedTicket(input: {
  deps: AppDeps;
  log: Logger;
  repo: string;
  prNumber: number;
  headSha: string | null;
}): Promise<CloseOutcome> {
  const { deps, repo, prNumber } = input;
  if (!deps.createdTickets) return { kind: 'none' };
  const created = await deps.createdTickets.get(repo, prNumber);
  if (created?.key == null || created.closedAt !== null) return { kind: 'none' };
  const failed = await deps.audit.latest({ repo, prNumber, kinds: ['ticket-write-back'] });
  const data = failed?.data as { action?: string; key?: string; close?: CloseRequest } | undefined;
  if (data?.action !== 'close-failed' || data.key !== created.key || !data.close) return { kind: 'none' };
  return closeWith({ ...input, provider: created.provider, key: created.key, request: data.close });
}
