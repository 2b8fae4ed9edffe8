import type { ChangeControlConfig } from './config-schema.js';
import type { PullRequestFacts } from './facts.js';
import type { TicketKeySearch } from './find-ticket-keys.js';
import { matchStandardChange, type StandardChangeMatch } from './match-standard-change.js';

export interface StandardChangeApplied {
  /** Null when the policy has no standard change classes (or no ticket provider to check a standing ticket). */
  match: StandardChangeMatch | null;
  /** The policy with the matched class's approval count, when it applies. */
  config: ChangeControlConfig;
  /** The matched class's standing ticket, taken from the policy (never the PR); else the PR's own keys. */
  ticketSearch: TicketKeySearch;
}

/** The search that judges a standing ticket: its one key, from the policy's class. */
export function standingTicketSearch(ticket: string): TicketKeySearch {
  return { key: ticket, source: 'standard-change', keys: [{ key: ticket, source: 'standard-change' }], otherProjectKeys: [] };
}

/**
 * The standard change class that covers the PR, applied: its standing ticket replaces the PR's own keys (a PR
 * covered by a class is judged by the class's ticket alone, so a standing ticket out of its approved status fails
 * every PR of the class), and its approval count replaces the policy's when every author is a listed bot. Gather
 * calls it to know which ticket to read; the decision calls it again over the same facts (pure, the same answer).
 */
export function applyStandardChange(input: {
  config: ChangeControlConfig;
  pr: Pick<PullRequestFacts, 'author' | 'commits' | 'pushers' | 'cleanBaseMerges' | 'changedFiles'>;
  ticketSearch: TicketKeySearch;
}): StandardChangeApplied {
  const { config, pr, ticketSearch } = input;
  if (config.standard_changes.length === 0 || config.ticket.provider === 'none') return { match: null, config, ticketSearch };
  const match = matchStandardChange({ classes: config.standard_changes, pr, policyApprovalCount: config.approval.count });
  if (match.matched === null) return { match, config, ticketSearch };
  const count = match.matched.approvalCount;
  return {
    match,
    config: count === null ? config : { ...config, approval: { ...config.approval, count } },
    ticketSearch: standingTicketSearch(match.matched.ticket),
  };
}
