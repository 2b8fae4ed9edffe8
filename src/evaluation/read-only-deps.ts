import type { AuditStore } from '../audit/audit-entry.js';
import type { CreatedTicketStore } from '../store/created-ticket-store.js';
import type { QueueStore } from '../store/queue-store.js';
import type { AppDeps, TicketSource } from './app-deps.js';

/** A dry run tried to write to the audit store, the queue or a ticket: refused. */
export class DryRunWriteError extends Error {
  override readonly name = 'DryRunWriteError';
}

const refuse = (what: string) => (): never => {
  throw new DryRunWriteError(`a dry run writes nothing: refused ${what}`);
};

/** The store's reads as they are; every write (entries, meta, the ticket key index) and close refused. */
function readOnlyAudit(store: AuditStore): AuditStore {
  return {
    kind: store.kind,
    list: (filter) => store.list(filter),
    latest: (filter) => store.latest(filter),
    iterate: (batchSize) => store.iterate(batchSize),
    getMeta: (key) => store.getMeta(key),
    pullRequestsForTicket: (key) => store.pullRequestsForTicket(key),
    ticketIndexPage: (input) => store.ticketIndexPage(input),
    append: refuse('an audit entry'),
    setMeta: refuse('a meta value'),
    reconciliationWatermarks: (repo) => store.reconciliationWatermarks(repo),
    setReconciliationWatermark: refuse('a reconciliation watermark'),
    indexTicketKeys: refuse('the ticket key index'),
    // The store is the caller's (the app's, or the CLI's): the dry run does not close it.
    close: refuse('closing the audit store'),
  };
}

/** No queue at all: a dry run queues nothing, and reads nothing from the queue either. */
const NO_QUEUE: QueueStore = {
  accept: refuse('queueing work'),
  enqueue: refuse('queueing work'),
  claim: refuse('claiming queued work'),
  renew: refuse('renewing a lease'),
  complete: refuse('completing queued work'),
  fail: refuse('failing queued work'),
  release: refuse('releasing queued work'),
  stats: refuse('reading the queue'),
  pruneDeliveries: refuse('pruning deliveries'),
};

/** The created tickets as they are (the PR's created ticket is looked up as the app would); no claim, no write. */
function readOnlyCreatedTickets(store: CreatedTicketStore): CreatedTicketStore {
  return {
    get: (repo, prNumber) => store.get(repo, prNumber),
    byKey: (key) => store.byKey(key),
    claim: refuse('creating a ticket'),
    recordKey: refuse('creating a ticket'),
    release: refuse('creating a ticket'),
    markBodyWritten: refuse('writing the PR description'),
    markClosed: refuse('closing a ticket'),
  };
}

/** The provider's reader without its write-back: lookups only. */
function lookupsOnly(source: TicketSource): TicketSource {
  if ('unavailable' in source) return source;
  const { reader } = source;
  return { reader: { provider: reader.provider, lookup: (key, query) => reader.lookup(key, query) } };
}

/** What a dry run is given: the app's dependencies without the queue and the bot login, which it never uses. */
export type DryRunDeps = Omit<AppDeps, 'queue' | 'queueSettings' | 'botLogin'>;

/**
 * The app's dependencies for a dry run: reads as the app makes them (the audit store for pushers and
 * emergencies, the ticket providers), every write refused by construction rather than by convention.
 */
export function readOnlyDeps(deps: DryRunDeps): AppDeps {
  return {
    appId: deps.appId,
    now: deps.now,
    ...(deps.auditSigner ? { auditSigner: deps.auditSigner } : {}),
    audit: readOnlyAudit(deps.audit),
    queue: NO_QUEUE,
    // Asked only to answer a comment or a queued item, neither of which a dry run does.
    botLogin: () => Promise.reject(new Error('a dry run answers no comment and works no queue: it never needs the bot login')),
    tickets: lookupsOnly(deps.tickets),
    ...(deps.serviceNow ? { serviceNow: lookupsOnly(deps.serviceNow) } : {}),
    ...(deps.createdTickets ? { createdTickets: readOnlyCreatedTickets(deps.createdTickets) } : {}),
  };
}
