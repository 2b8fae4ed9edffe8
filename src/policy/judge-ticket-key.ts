import type { TicketConfig } from './config-schema.js';
import { checkChangeWindow } from './check-change-window.js';
import type { PeopleMap, PullRequestFacts, TicketApproval, TicketLookup } from './facts.js';
import type { Contributors } from './find-contributors.js';
import type { FoundTicketKey } from './find-ticket-keys.js';
import { mapTicketApprovers, type ApproverCheck } from './map-ticket-approvers.js';
import type { TicketKeyResult } from './verdict.js';

type FoundLookup = Extract<TicketLookup, { found: true }>;

export const PROVIDER_NAME = { jira: 'Jira', servicenow: 'ServiceNow', none: 'no provider' } as const;

function sameText(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

function projectOf(key: string): string {
  return key.slice(0, key.lastIndexOf('-'));
}

const personName = (check: ApproverCheck): string =>
  check.approver.displayName ?? check.approver.email ?? check.approver.accountId ?? 'an unnamed approver';

/** Why a found ticket is not (yet) an approved change, before looking at who approved it; else its approval. */
function stateProblem(
  config: TicketConfig,
  lookup: FoundLookup,
  standard: StandardTicket | null,
): { problem: string } | { approval: TicketApproval } {
  const problem = (text: string) => ({ problem: text });
  // ServiceNow marks pre-approved changes by their type: a standing ticket of another type was never pre-approved.
  if (standard !== null && config.provider === 'servicenow' && !sameText(lookup.issueType, 'standard')) {
    return problem(
      `Ticket ${lookup.key} is a ${lookup.issueType || 'change of no type'} change, not a standard change (class ${standard.className})`,
    );
  }
  if (config.provider === 'jira' && !config.projects.includes(projectOf(lookup.key))) {
    return problem(`Ticket ${lookup.requestedKey} is now ${lookup.key}, outside ${config.projects.join(', ')}`);
  }
  if (config.types.length > 0 && !config.types.some((t) => sameText(t, lookup.issueType))) {
    return problem(`Ticket ${lookup.key} is a ${lookup.issueType}, not a ${config.types.join(' or ')}`);
  }
  if (!config.statuses.some((s) => sameText(s, lookup.status))) {
    return problem(`Ticket ${lookup.key} is ${lookup.status}; it needs ${config.statuses.join(' or ')}`);
  }
  const approval = lookup.approval;
  if (!approval) {
    const where = config.jsm_approvals
      ? 'has no Service Management approval'
      : `has no record of who approved it (${PROVIDER_NAME[config.provider]} history)`;
    return problem(`Ticket ${lookup.key} is ${lookup.status} but ${where}`);
  }
  if (approval.decision !== 'approved') return problem(`Ticket ${lookup.key}: approval "${approval.detail}" is ${approval.decision}`);
  // A ServiceNow standard change is approved by its template (its model), with no approval record of its own.
  if (approval.approvers.length === 0 && !(standard !== null && config.provider === 'servicenow'))
    return problem(`Ticket ${lookup.key}: the approval names no approver`);
  return { approval };
}

/** The cross-system segregation-of-duties problem, or the warnings `unmapped_approver: warn` lets pass. */
function approverProblem(config: TicketConfig, key: string, checks: ApproverCheck[]): { problem: string | null; warnings: string[] } {
  const conflicted = checks.find((c) => c.conflict !== null);
  if (conflicted) {
    const role = conflicted.conflict === 'author' ? 'the PR author' : 'a contributor to the PR';
    return { problem: `Ticket ${key} was approved by ${personName(conflicted)}, ${role}`, warnings: [] };
  }
  const unmapped = checks
    .filter((c) => c.via === null)
    .map((c) => `${personName(c)} (approver of ${key}) is not tied to any GitHub identity`);
  if (unmapped.length > 0 && config.unmapped_approver === 'block') return { problem: unmapped[0] ?? null, warnings: [] };
  return { problem: null, warnings: unmapped };
}

/**
 * One ticket key against the policy: found, of a configured project and type, in an approved status, approved
 * (with evidence of who did it), by someone independent of the PR, and (with `ticket.window`) now within its window.
 */
/** The standing ticket of a standard change class, judged as such (ServiceNow: of type standard). */
export interface StandardTicket {
  className: string;
}

export function judgeTicketKey(input: {
  config: TicketConfig;
  /** Set when the key is the standing ticket of the standard change class that covers the PR. */
  standard?: StandardTicket | null;
  found: FoundTicketKey;
  lookup: TicketLookup | null;
  pr: Pick<PullRequestFacts, 'commits' | 'author'>;
  contributors: Contributors;
  people: PeopleMap;
  now: Date;
}): TicketKeyResult {
  const { config, found, lookup } = input;
  const base = { key: found.key, source: found.source, lookup, approvers: [], window: null, warnings: [] };
  const fail = (summary: string, extra: Partial<TicketKeyResult> = {}): TicketKeyResult => ({
    ...base,
    ...extra,
    outcome: 'failure',
    summary,
  });
  if (lookup === null || !lookup.found) return fail(`Ticket ${found.key} does not exist in ${PROVIDER_NAME[config.provider]}`);
  const standard = input.standard ?? null;
  const state = stateProblem(config, lookup, standard);
  if ('problem' in state) return fail(state.problem);
  const { approval } = state;
  const approvers = mapTicketApprovers({
    approvers: approval.approvers,
    people: input.people,
    pr: input.pr,
    contributors: input.contributors,
  });
  const { problem: conflict, warnings } = approverProblem(config, lookup.key, approvers);
  if (conflict !== null) return fail(conflict, { approvers });
  const window = config.window ? checkChangeWindow({ window: lookup.window ?? { start: null, end: null }, now: input.now }) : null;
  if (window !== null && window.state !== 'inside') return fail(`Ticket ${lookup.key}: ${window.detail}`, { approvers, window });
  // Short: the summary is the commit status description; who approved is in the report and the evidence.
  const summary = standard
    ? `Standard change ${standard.className}: ${lookup.key} is ${lookup.status}`
    : `Ticket ${lookup.key} is ${lookup.status}`;
  return { ...base, approvers, window, warnings, outcome: 'success', summary };
}
