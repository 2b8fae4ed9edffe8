import { applyStandardChange } from './apply-standard-change.js';
import type { ChangeControlConfig } from './config-schema.js';
import { evaluateApprovals } from './evaluate-approvals.js';
import { evaluateChecks } from './evaluate-checks.js';
import { evaluateOpa } from './evaluate-opa.js';
import { evaluateSecurity } from './evaluate-security.js';
import { evaluateTicket } from './evaluate-ticket.js';
import { findContributors } from './find-contributors.js';
import type { OpaDecision, PeopleMap, PullRequestFacts, TeamMembers, TicketLookup } from './facts.js';
import type { TicketKeySearch } from './find-ticket-keys.js';
import type { StandardChangeMatch } from './match-standard-change.js';
import type { AppliedFloor, ControlResult, ErrorVerdict, PolicySource, PullRequestRef, Verdict } from './verdict.js';

/** GitHub's limit for a commit status description. */
export const MAX_DESCRIPTION = 140;

export function truncate(text: string, max = MAX_DESCRIPTION): string {
  if (text.length <= max) return text;
  // Never cut an emoji (a surrogate pair) in half: a lone surrogate is not valid text to send to GitHub.
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

export function pullRequestRef(pr: Pick<PullRequestFacts, 'owner' | 'repo' | 'number' | 'headSha' | 'url'>): PullRequestRef {
  return { owner: pr.owner, repo: pr.repo, number: pr.number, headSha: pr.headSha, url: pr.url };
}

/** Everyone who wrote or pushed the change, lower-case login to why: their own statuses never count as checks. */
function contributorsOf(pr: PullRequestFacts): Map<string, string> {
  const contributors = new Map<string, string>([[pr.author.login.toLowerCase(), 'the author']]);
  for (const [login, contribution] of findContributors(pr).byLogin)
    if (!contributors.has(login)) contributors.set(login, contribution.detail);
  return contributors;
}

export interface EvaluateInput {
  config: ChangeControlConfig;
  policy: PolicySource;
  pr: PullRequestFacts;
  ticketSearch: TicketKeySearch;
  /** What the provider said about each key of `ticketSearch` (none when the control is off). */
  ticketLookups: TicketLookup[];
  /** The organisation's GitHub-to-ticket identity mapping (cross-system segregation of duties). */
  people?: PeopleMap;
  teamMembers: TeamMembers;
  /** The organisation floor already applied to `config`, carried into the verdict as evidence. */
  floor?: AppliedFloor | null;
  /** OPA's answer to each decision of `config.opa.decisions` (gathered: src/evaluation/gather.ts). */
  opaDecisions?: OpaDecision[];
  now: Date;
}

/**
 * The built-in controls (ticket, segregation of duties, required checks, and the security findings when the policy
 * has `security:`): also what OPA's input reports.
 */
export function builtInControls(input: Omit<EvaluateInput, 'opaDecisions'>): ControlResult[] {
  return controlsOf({ ...input, ...applyStandardChange(input) });
}

function controlsOf(input: Omit<EvaluateInput, 'opaDecisions'> & { match: StandardChangeMatch | null }): ControlResult[] {
  const standard = input.match?.matched ?? null;
  return [
    evaluateTicket({
      config: input.config.ticket,
      search: input.ticketSearch,
      lookups: input.ticketLookups,
      pr: input.pr,
      ...(standard ? { standard: { className: standard.name } } : {}),
      ...(input.people ? { people: input.people } : {}),
      now: input.now,
    }),
    evaluateApprovals({ config: input.config.approval, pr: input.pr, teamMembers: input.teamMembers }),
    evaluateChecks({
      config: input.config.checks,
      headSha: input.pr.headSha,
      checks: input.pr.checks,
      contributors: contributorsOf(input.pr),
    }),
    // The security control joins only when the policy has `security:` (gather read its facts then).
    ...(input.config.security
      ? [
          evaluateSecurity({
            config: input.config.security,
            facts: input.pr.security ?? { codeScanning: null, dependencies: null },
            headSha: input.pr.headSha,
            contributors: contributorsOf(input.pr),
          }),
        ]
      : []),
  ];
}

/**
 * The verdict from the controls: success only when all pass; failure when any failed; otherwise pending. The
 * description names what blocks the merge. With `opa.decisions`, OPA's answers are a control after the built-in
 * ones; a decision asked for without an answer makes the verdict `error`, never a pass.
 */
export function evaluate(input: EvaluateInput): Verdict {
  const applied = applyStandardChange(input);
  const controls = controlsOf({ ...input, ...applied });
  if (input.config.opa.decisions.length > 0) {
    const opa = evaluateOpa({ required: input.config.opa.decisions, decisions: input.opaDecisions ?? [] });
    if ('missing' in opa) {
      return errorVerdict({
        pullRequest: pullRequestRef(input.pr),
        policy: input.policy,
        errors: opa.missing.map((ref) => `OPA decision ${ref.path} (${ref.source}) has no answer`),
        nextStep: 'Re-run the Change control check; if it persists, see the app logs.',
        now: input.now,
      });
    }
    controls.push(opa);
  }
  const failed = controls.filter((c) => c.outcome === 'failure');
  const pending = controls.filter((c) => c.outcome === 'pending');
  const state = failed.length > 0 ? 'failure' : pending.length > 0 ? 'pending' : 'success';
  const blocking = failed.length > 0 ? failed : pending;
  const description =
    state === 'success' ? `All controls passed: ${controls.map((c) => c.summary).join('; ')}` : blocking.map((c) => c.summary).join('; ');
  return {
    state,
    description: truncate(description),
    pullRequest: pullRequestRef(input.pr),
    policy: input.policy,
    controls,
    ...(input.floor ? { floor: input.floor } : {}),
    ...(applied.match ? { standardChange: applied.match } : {}),
    // Anyone can read a public repository's check runs: ticket details stay in the audit store unless the policy says otherwise.
    ...(input.pr.visibility === 'public' && input.config.report.ticket_details !== true ? { ticketDetailsHidden: true as const } : {}),
    evaluatedAt: input.now.toISOString(),
  };
}

/** A verdict for an evaluation that could not be made: never a pass, never a control failure. */
export function errorVerdict(input: {
  pullRequest: PullRequestRef;
  policy: PolicySource | null;
  errors: string[];
  nextStep: string;
  now: Date;
}): ErrorVerdict {
  const first = input.errors[0] ?? 'evaluation failed';
  return {
    state: 'error',
    description: truncate(`Cannot evaluate: ${first}`),
    pullRequest: input.pullRequest,
    policy: input.policy,
    errors: input.errors,
    nextStep: input.nextStep,
    evaluatedAt: input.now.toISOString(),
  };
}
