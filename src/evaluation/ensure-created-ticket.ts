import { randomUUID } from 'node:crypto';
import type { Logger } from 'probot';
import { readChangedFiles } from '../github/read-changed-files.js';
import type { RestClient } from '../github/rest-client.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';
import { describeCreatedTicket, ticketMarker, withTicketLine } from '../policy/describe-created-ticket.js';
import { findTicketKeys } from '../policy/find-ticket-keys.js';
import { PROVIDER_NAME } from '../policy/judge-ticket-key.js';
import type { CreatedTicket, CreatedTicketStore } from '../store/created-ticket-store.js';
import { TicketProviderError, type TicketReader } from '../tickets/ticket-reader.js';
import type { FoundPullRequest } from '../github/read-pull-request-facts.js';
import type { AppDeps } from './app-deps.js';
import { coveredByStandardChange } from './covered-by-standard-change.js';

/**
 * A claim older than this is taken over: its holder crashed or hung between claiming and recording the key. Longer
 * than a provider call with its retries can take, so a live holder is never overtaken.
 */
export const CLAIM_STALE_MS = 120_000;

/** Why the PR's ticket could not be created: the evaluation becomes `error` with this reason, retried when `retryable`. */
export interface CreationFailure {
  message: string;
  nextStep: string;
  retryable: boolean;
}

type Provider = 'jira' | 'servicenow';

function failure(message: string, nextStep: string, retryable: boolean): CreationFailure {
  return { message, nextStep, retryable };
}

/** The provider's reader when it can create tickets, or why not. */
function creatorOf(deps: AppDeps, provider: Provider): TicketReader | string {
  const source = provider === 'jira' ? deps.tickets : (deps.serviceNow ?? { unavailable: 'SERVICENOW_INSTANCE_URL is not set' });
  if ('unavailable' in source) return source.unavailable;
  const { reader } = source;
  if (!reader.create || !reader.findByMarker) return `the ${PROVIDER_NAME[provider]} client cannot create tickets`;
  return reader;
}

/** Writes the marked line with the key into the PR description, once per PR (a content write, within the budget). */
async function writeTicketLine(input: {
  octokit: RestClient;
  store: CreatedTicketStore;
  read: FoundPullRequest;
  ticket: CreatedTicket & { key: string };
  log: Logger;
}): Promise<void> {
  const { octokit, store, read, ticket, log } = input;
  if (ticket.bodyWritten) return;
  const { owner, repo, number, body } = read.facts;
  try {
    await octokit.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner,
      repo,
      pull_number: number,
      body: withTicketLine(body, ticket.key),
    });
    await store.markBodyWritten(ticket.repo, ticket.prNumber);
  } catch (error) {
    // Informative only (the store holds the key): tried again on the next evaluation, never a reason to fail the PR.
    log.warn({ err: error, pr: `${owner}/${repo}#${number}`, ticket: ticket.key }, 'created ticket line could not be written to the PR');
  }
}

/** Creates the ticket under the caller's claim: first finds one an earlier attempt may have made (`reconcile`). */
async function createUnderClaim(input: {
  reader: TicketReader;
  config: ChangeControlConfig;
  read: FoundPullRequest;
  octokit: RestClient;
  reconcile: boolean;
}): Promise<{ key: string; reconciled: boolean }> {
  const { reader, config, read, octokit } = input;
  const create = config.ticket.create;
  if (!create || !reader.create || !reader.findByMarker) throw new Error('ticket.create is not set or the provider cannot create');
  const marker = ticketMarker(read.facts);
  if (input.reconcile) {
    const found = await reader.findByMarker({ marker, project: create.project });
    if (found !== null) return { key: found, reconciled: true };
  }
  const { owner, repo, number } = read.facts;
  const changedFiles = await readChangedFiles({ octokit, owner, repo, number, expected: read.changedFilesCount });
  const { summary, lines } = describeCreatedTicket({ pr: read.facts, changedFiles, approval: config.approval });
  const created = await reader.create({
    project: create.project,
    type: create.type ?? (config.ticket.provider === 'servicenow' ? 'normal' : 'Change'),
    summary,
    lines,
    marker,
  });
  return { key: created.key, reconciled: false };
}

/**
 * `ticket.create`: makes sure a PR into a controlled branch that names no ticket has exactly one created for it. The
 * store's row is claimed in one transaction before the provider is called; a retry after a failure or a crash, or a
 * second replica once the claim is stale, searches the provider for the PR's marker before creating again. Returns
 * null when there is nothing to do (off, or the PR names a ticket) or the ticket is there; a failure never passes.
 */
export async function ensureCreatedTicket(input: {
  config: ChangeControlConfig;
  read: FoundPullRequest;
  octokit: RestClient;
  deps: AppDeps;
  log: Logger;
  deliveryId: string | null;
}): Promise<CreationFailure | null> {
  const { config, read, octokit, deps, log } = input;
  const create = config.ticket.create;
  const provider = config.ticket.provider;
  if (!create || provider === 'none') return null;
  const name = PROVIDER_NAME[provider];
  const store = deps.createdTickets;
  if (!store) return failure('the app has no store for created tickets', 'An administrator of the app must check its database.', false);
  const { owner, repo, number, title, headRef, body } = read.facts;
  const repoName = `${owner}/${repo}`;
  const existing = await store.get(repoName, number);
  if (existing?.key) {
    await writeTicketLine({ octokit, store, read, ticket: { ...existing, key: existing.key }, log });
    return null;
  }
  const style = provider === 'servicenow' ? 'servicenow' : 'jira';
  const named = findTicketKeys({ title, headRef, body, projects: config.ticket.projects, style }).keys ?? [];
  if (named.length > 0) return null;
  // A PR a standard change class covers is judged by the class's standing ticket: none of its own is created.
  if (await coveredByStandardChange({ config, read, octokit, deps })) return null;
  const reader = creatorOf(deps, provider);
  if (typeof reader === 'string') {
    return failure(
      `could not create the change ticket: ${name} is not configured on the app (${reader})`,
      `An administrator of the app must set the ${name} variables (see docs/tickets.md).`,
      false,
    );
  }
  const token = randomUUID();
  const claim = await store.claim({
    repo: repoName,
    prNumber: number,
    provider,
    token,
    nowMs: deps.now().getTime(),
    staleMs: CLAIM_STALE_MS,
  });
  if (claim.kind === 'created') {
    await writeTicketLine({ octokit, store, read, ticket: claim.ticket, log });
    return null;
  }
  if (claim.kind === 'busy') {
    return failure('the change ticket for this PR is being created by another worker', 'Wait: the check is retried.', true);
  }
  let made: { key: string; reconciled: boolean };
  try {
    made = await createUnderClaim({ reader, config, read, octokit, reconcile: claim.reconcile });
  } catch (error) {
    await store.release({ repo: repoName, prNumber: number, token });
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ err: error, pr: `${repoName}#${number}` }, 'change ticket could not be created');
    const retryable = !(error instanceof TicketProviderError) || error.retryable;
    return failure(
      `could not create the change ticket: ${message}`,
      retryable
        ? `The check is retried; if it persists, see the app logs and ${name}.`
        : `Check ticket.create in the policy and the app's ${name} permissions (docs/tickets.md), then re-run the check.`,
      retryable,
    );
  }
  let recorded: boolean;
  try {
    recorded = await store.recordKey({ repo: repoName, prNumber: number, token, key: made.key });
  } catch (error) {
    // The ticket exists but its key is not stored: the retry finds it by its marker (the claim is given up for it).
    await store.release({ repo: repoName, prNumber: number, token }).catch(() => undefined);
    throw error;
  }
  if (!recorded) {
    // The claim was taken over (this attempt was slower than CLAIM_STALE_MS): the taker searches by the marker.
    return failure('the change ticket for this PR is being created by another worker', 'Wait: the check is retried.', true);
  }
  log.info({ pr: `${repoName}#${number}`, ticket: made.key, reconciled: made.reconciled }, 'change ticket created for the PR');
  await deps.audit
    .append({
      kind: 'ticket-write-back',
      at: deps.now().toISOString(),
      deliveryId: `ticket-created:${made.key}`,
      repo: repoName,
      prNumber: number,
      headSha: read.facts.headSha,
      data: {
        action: 'created',
        key: made.key,
        provider,
        ok: true,
        steps: [{ step: made.reconciled ? 'found-by-marker' : 'create', ok: true, error: null }],
        marker: ticketMarker(read.facts),
        attempts: (existing?.attempts ?? 0) + 1,
        cause: input.deliveryId,
      },
    })
    .catch((error: unknown) => log.error({ err: error, ticket: made.key }, 'created ticket could not be recorded in the audit trail'));
  const ticket: CreatedTicket & { key: string } = {
    repo: repoName,
    prNumber: number,
    provider,
    key: made.key,
    attempts: 1,
    bodyWritten: false,
    closedAt: null,
  };
  await writeTicketLine({ octokit, store, read, ticket, log });
  return null;
}
