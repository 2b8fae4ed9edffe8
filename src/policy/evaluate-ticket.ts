import type { TicketConfig } from './config-schema.js';
import type { PeopleMap, PullRequestFacts, TicketLookup } from './facts.js';
import { findContributors } from './find-contributors.js';
import type { FoundTicketKey, TicketKeySearch } from './find-ticket-keys.js';
import { judgeTicketKey, PROVIDER_NAME, type StandardTicket } from './judge-ticket-key.js';
import type { TicketKeyResult, TicketResult } from './verdict.js';

const NO_PEOPLE: PeopleMap = { source: null, entries: [] };

/** The keys to judge: `search.keys`, or the single `search.key` of a search made without them. */
export function keysOf(search: TicketKeySearch): FoundTicketKey[] {
  if (search.keys !== undefined) return search.keys;
  return search.key !== null && search.source !== null ? [{ key: search.key, source: search.source }] : [];
}

function sameText(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

/** What to do next about the first failing key. */
function nextStepFor(config: TicketConfig, failed: TicketKeyResult, standard: StandardTicket | null): string {
  const lookup = failed.lookup;
  if (standard !== null) {
    return `Fix the standing ticket ${failed.key} of standard change class ${standard.className} in ${PROVIDER_NAME[config.provider]}, or standard_changes in the policy (a PR the class covers is judged by its standing ticket).`;
  }
  const projects = config.projects.join(', ') || 'change';
  const provider = PROVIDER_NAME[config.provider];
  if (!lookup?.found) return `Check the key ${failed.key}; link an existing ${projects} ticket.`;
  const key = lookup.key;
  if (config.provider === 'jira' && !config.projects.some((p) => key.startsWith(`${p}-`)))
    return `Link a ticket of ${projects}; ${key} belongs to another project.`;
  if (config.types.length > 0 && !config.types.some((t) => sameText(t, lookup.issueType)))
    return `Link a ticket of type ${config.types.join(' or ')}.`;
  if (!config.statuses.some((s) => sameText(s, lookup.status))) {
    return `Get ${key} moved to ${config.statuses.join(' or ')} in ${provider}, then re-run the check.`;
  }
  if (failed.window !== null) return `Merge within the change window of ${key}, or get the window changed on the ticket.`;
  if (failed.approvers.some((a) => a.conflict !== null))
    return `Get ${key} approved by someone who neither opened nor contributed to this PR.`;
  if (failed.approvers.some((a) => a.via === null)) {
    return `Add the approver of ${key} to .github/change-control-people.yml in the organisation's .github repository.`;
  }
  return `Get ${key} approved in ${provider} (the approval must be recorded on the ticket), then re-run the check.`;
}

function overall(
  config: TicketConfig,
  results: TicketKeyResult[],
): { outcome: 'success' | 'failure'; summary: string; failed: TicketKeyResult | null } {
  const passed = results.filter((r) => r.outcome === 'success');
  const failed = results.find((r) => r.outcome === 'failure') ?? null;
  if (config.require === 'all' || results.length === 1) {
    if (failed === null) return { outcome: 'success', summary: results.map((r) => r.summary).join('; '), failed };
    const others = results.length > 1 ? ` (ticket.require: all; ${passed.length}/${results.length} approved)` : '';
    return { outcome: 'failure', summary: `${failed.summary}${others}`, failed };
  }
  const first = passed[0];
  if (first) return { outcome: 'success', summary: `${first.summary} (${passed.length}/${results.length} tickets approved)`, failed: null };
  return { outcome: 'failure', summary: `None of ${results.map((r) => r.key).join(', ')} is approved: ${failed?.summary ?? ''}`, failed };
}

/**
 * The change-ticket control: the PR names tickets of a configured project, and (`ticket.require`) one or all of
 * them are approved, with evidence of who approved them, by someone independent of the PR (cross-system
 * segregation of duties), and within their change window. `lookups` holds what the provider said about each key.
 */
export function evaluateTicket(input: {
  config: TicketConfig;
  search: TicketKeySearch;
  lookups: TicketLookup[];
  pr: Pick<PullRequestFacts, 'commits' | 'author' | 'pushers' | 'cleanBaseMerges'>;
  people?: PeopleMap;
  /** Set when the keys are the standing ticket of the standard change class that covers the PR. */
  standard?: StandardTicket;
  now: Date;
}): TicketResult {
  const { config, search, lookups, pr } = input;
  const people = input.people ?? NO_PEOPLE;
  const contributors = findContributors(pr);
  const tickets = keysOf(search).map((found) =>
    judgeTicketKey({
      config,
      found,
      lookup: lookups.find((l) => l.requestedKey === found.key) ?? null,
      pr,
      contributors,
      people,
      standard: input.standard ?? null,
      now: input.now,
    }),
  );
  const evidence = {
    source: search.source,
    key: search.key,
    otherProjectKeys: search.otherProjectKeys,
    lookup: tickets[0]?.lookup ?? null,
    requiredStatuses: config.statuses,
    requiredTypes: config.types,
    provider: config.provider,
    require: config.require,
    tickets,
    peopleSource: people.source,
  };
  if (config.provider === 'none') {
    return { control: 'ticket', outcome: 'success', summary: 'Ticket control is off (ticket.provider: none)', nextStep: null, evidence };
  }
  if (tickets.length === 0) {
    const projects = config.projects.join(', ') || 'CHG';
    const example = config.provider === 'servicenow' ? `${config.projects[0] ?? 'CHG'}0030001` : `${config.projects[0]}-123`;
    const seen = search.otherProjectKeys.length > 0 ? ` (${search.otherProjectKeys.slice(0, 3).join(', ')} not of ${projects})` : '';
    return {
      control: 'ticket',
      outcome: 'failure',
      summary: `No ${projects} ticket in the title, branch or body${seen}`,
      nextStep: `Put the approved change ticket's key (${example}) in the PR title, head branch name or description.`,
      evidence,
    };
  }
  const { outcome, summary, failed } = overall(config, tickets);
  const awaiting = failed?.source === 'created' && failed.lookup?.found === true ? failed.lookup : null;
  if (outcome === 'failure' && awaiting !== null && !config.statuses.some((s) => sameText(s, awaiting.status))) {
    // The ticket the app filed for this PR is still on its way through approval: the PR waits, it has not failed.
    return {
      control: 'ticket',
      outcome: 'pending',
      summary: `waiting for approval of ${awaiting.key} — created for this PR (${awaiting.status})`,
      nextStep: `Get ${awaiting.key} approved (${config.statuses.join(' or ')}) in ${PROVIDER_NAME[config.provider]}; the check is re-run when it changes.`,
      evidence,
    };
  }
  return {
    control: 'ticket',
    outcome,
    summary,
    nextStep: failed === null || outcome === 'success' ? null : nextStepFor(config, failed, input.standard ?? null),
    evidence,
  };
}
