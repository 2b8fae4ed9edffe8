import type { TicketConfig } from '../config/schema.js';
import type { TicketLookup } from './facts.js';
import type { TicketKeySearch } from './find-ticket-keys.js';
import type { TicketResult } from './verdict.js';

function sameText(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

function projectOf(key: string): string {
  return key.slice(0, key.lastIndexOf('-'));
}

/**
 * The change-ticket control: the PR names a ticket of a configured project, and that ticket is in an
 * approved status (and of an allowed type). `lookup` is null only when there was no key to look up.
 */
export function evaluateTicket(input: {
  config: TicketConfig;
  search: TicketKeySearch;
  lookup: TicketLookup | null;
}): TicketResult {
  const { config, search, lookup } = input;
  const evidence = {
    source: search.source,
    key: search.key,
    otherProjectKeys: search.otherProjectKeys,
    lookup,
    requiredStatuses: config.statuses,
    requiredTypes: config.types,
    provider: config.provider,
  };
  const fail = (summary: string, nextStep: string): TicketResult => ({
    control: 'ticket',
    outcome: 'failure',
    summary,
    nextStep,
    evidence,
  });
  const projects = config.projects.join(', ');

  if (config.provider === 'none') {
    return { control: 'ticket', outcome: 'success', summary: 'Ticket control is off (ticket.provider: none)', nextStep: null, evidence };
  }
  if (search.key === null) {
    const seen = search.otherProjectKeys.length > 0 ? ` (${search.otherProjectKeys.slice(0, 3).join(', ')} not of ${projects})` : '';
    return fail(
      `No ${projects} ticket in the title, branch or body${seen}`,
      `Put the approved change ticket's key (${config.projects[0]}-123) in the PR title, head branch name or description.`,
    );
  }
  if (lookup === null || !lookup.found) {
    return fail(
      `Ticket ${search.key} does not exist in Jira`,
      `Check the key ${search.key}; link an existing ${projects} ticket.`,
    );
  }
  if (!config.projects.includes(projectOf(lookup.key))) {
    return fail(
      `Ticket ${search.key} is now ${lookup.key}, outside ${projects}`,
      `Link a ticket of ${projects}; ${lookup.key} belongs to another project.`,
    );
  }
  if (config.types.length > 0 && !config.types.some((t) => sameText(t, lookup.issueType))) {
    return fail(
      `Ticket ${lookup.key} is a ${lookup.issueType}, not a ${config.types.join(' or ')}`,
      `Link a ticket of type ${config.types.join(' or ')}.`,
    );
  }
  if (!config.statuses.some((s) => sameText(s, lookup.status))) {
    return fail(
      `Ticket ${lookup.key} is ${lookup.status}; it needs ${config.statuses.join(' or ')}`,
      `Get ${lookup.key} moved to ${config.statuses.join(' or ')} in Jira, then re-run the check.`,
    );
  }
  return {
    control: 'ticket',
    outcome: 'success',
    summary: `Ticket ${lookup.key} is ${lookup.status}`,
    nextStep: null,
    evidence,
  };
}
