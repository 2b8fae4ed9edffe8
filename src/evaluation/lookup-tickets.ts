import { parsePeople } from '../config/parse-people.js';
import type { ChangeControlConfig } from '../policy/config-schema.js';
import type { FoundPullRequest } from '../github/read-pull-request-facts.js';
import { applyStandardChange } from '../policy/apply-standard-change.js';
import type { PeopleMap, PullRequestFacts, PullRequestReadFacts, TicketLookup } from '../policy/facts.js';
import { findTicketKeys, type TicketKeySearch } from '../policy/find-ticket-keys.js';
import { PROVIDER_NAME } from '../policy/judge-ticket-key.js';
import { TicketProviderError, type TicketQuery } from '../tickets/ticket-reader.js';
import type { AppDeps } from './app-deps.js';

/** A fact could not be read: the evaluation becomes an `error` verdict with this reason. */
export class EvaluationError extends Error {
  constructor(
    message: string,
    readonly nextStep: string,
    /** A provider failure that may clear by itself (not a configuration problem): the queue retries it. */
    readonly retryable = false,
  ) {
    super(message);
  }
}

export interface TicketFacts {
  search: TicketKeySearch;
  lookups: TicketLookup[];
  people: PeopleMap;
}

export function ticketQuery(config: ChangeControlConfig): TicketQuery {
  const { ticket } = config;
  return {
    approvedStatuses: ticket.statuses,
    jsmApprovals: ticket.provider === 'jira' && ticket.jsm_approvals,
    window: ticket.window ? { startField: ticket.window.start_field, endField: ticket.window.end_field } : null,
    ...(ticket.cache_seconds === undefined ? {} : { cacheSeconds: ticket.cache_seconds }),
  };
}

/** The organisation's people file; an unreadable one is an error, never "nobody mapped" (it would hide conflicts). */
function readPeople(read: FoundPullRequest): PeopleMap {
  const file = read.peopleFile;
  if (file === null) return { source: null, entries: [] };
  const source = `${file.repo}:${file.path}`;
  if (file.text === null)
    throw new EvaluationError(`${source} cannot be read (binary or too large)`, `Fix ${source} on its default branch.`);
  const parsed = parsePeople(file.text, source);
  if (!parsed.ok) throw new EvaluationError(parsed.errors.join('; '), `Fix ${source} on its default branch.`);
  return parsed.people;
}

/**
 * `ticket.create`: the ticket the app created for the PR, read from the store, is the PR's one ticket. Keys in the
 * title, branch or description (the marked line included, which the author can edit) are not looked up then, so
 * nobody can swap another ticket in for it (docs/tickets.md#tickets-created-for-you).
 */
async function withCreatedTicket(input: {
  config: ChangeControlConfig;
  pr: PullRequestReadFacts;
  deps: AppDeps;
  named: TicketKeySearch;
}): Promise<TicketKeySearch> {
  const { config, pr, deps, named } = input;
  if (!config.ticket.create || !deps.createdTickets) return named;
  const created = await deps.createdTickets.get(`${pr.owner}/${pr.repo}`, pr.number);
  if (created?.key == null) return named;
  return { key: created.key, source: 'created', keys: [{ key: created.key, source: 'created' }], otherProjectKeys: named.otherProjectKeys };
}

/** Finds the PR's ticket keys and asks the policy's provider about each (in parallel, each cached and retried). */
export async function lookupTickets(input: {
  config: ChangeControlConfig;
  read: FoundPullRequest;
  pr: PullRequestReadFacts;
  deps: AppDeps;
  /** Drop the cached answers first, so each ticket is asked again (`/change-control recheck`). */
  reread?: boolean;
  /** The complete facts, when the policy has standard change classes: a matching class's standing ticket is read instead. */
  standard?: PullRequestFacts;
}): Promise<TicketFacts> {
  const { config, read, pr, deps } = input;
  const provider = config.ticket.provider;
  const style = provider === 'servicenow' ? 'servicenow' : 'jira';
  const named = findTicketKeys({ title: pr.title, headRef: pr.headRef, body: pr.body, projects: config.ticket.projects, style });
  const own = await withCreatedTicket({ config, pr, deps, named });
  // A PR a standard change class covers is judged by the class's standing ticket alone (from the policy).
  const search = input.standard ? applyStandardChange({ config, pr: input.standard, ticketSearch: own }).ticketSearch : own;
  const keys = search.keys ?? [];
  if (provider === 'none' || keys.length === 0) return { search, lookups: [], people: { source: null, entries: [] } };
  const people = readPeople(read);
  const name = PROVIDER_NAME[provider];
  const source = provider === 'jira' ? deps.tickets : (deps.serviceNow ?? { unavailable: 'SERVICENOW_INSTANCE_URL is not set' });
  if ('unavailable' in source) {
    throw new EvaluationError(
      `${name} is not configured on the app: ${source.unavailable}`,
      `An administrator of the app must set the ${name} variables (see docs/tickets.md).`,
    );
  }
  const query = ticketQuery(config);
  const lookupOne = async (key: string) => {
    if (input.reread) source.reader.forget?.(key);
    try {
      return await source.reader.lookup(key, query);
    } catch (error) {
      if (!(error instanceof TicketProviderError)) throw error;
      throw new EvaluationError(
        `${name} lookup of ${key} failed: ${error.message}`,
        `Re-run the Change control check once ${name} is reachable.`,
        true,
      );
    }
  };
  const lookups = await Promise.all(keys.map(({ key }) => lookupOne(key)));
  return { search, lookups, people };
}
