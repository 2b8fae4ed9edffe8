import type { OpaDecisionRef } from './config-schema.js';
import type { OpaDecision } from './facts.js';
import type { OpaResult } from './verdict.js';

/** Why OPA's answers cannot decide the control: a decision the policy asks for is not among them. Never a pass. */
export interface OpaNotAsked {
  missing: OpaDecisionRef[];
}

function denial(decision: OpaDecision): string {
  const reasons = decision.reasons.length > 0 ? decision.reasons.join('; ') : 'no reason given';
  return `${decision.path} denies: ${reasons}`;
}

/**
 * The OPA control: every decision the policy asks for (the floor's and the repository's) must allow. OPA's
 * answers are facts gathered before (src/evaluation/gather.ts); a decision asked for without an answer is
 * `missing`, which the verdict turns into `error`: an unanswered decision never passes.
 */
export function evaluateOpa(input: { required: OpaDecisionRef[]; decisions: OpaDecision[] }): OpaResult | OpaNotAsked {
  const { required } = input;
  const missing = required.filter((ref) => !input.decisions.some((d) => d.path === ref.path && d.source === ref.source));
  if (missing.length > 0) return { missing };
  const decisions = required.map((ref) => input.decisions.find((d) => d.path === ref.path && d.source === ref.source) as OpaDecision);
  const denied = decisions.filter((d) => !d.allow);
  if (denied.length > 0) {
    return {
      control: 'opa',
      outcome: 'failure',
      summary: `OPA ${denied.map(denial).join('; ')}`,
      nextStep: "Change the PR so that the organisation's policy allows it (see OPA's reasons), or ask the policy's owners.",
      evidence: { decisions },
    };
  }
  return {
    control: 'opa',
    outcome: 'success',
    summary: `OPA ${decisions.map((d) => d.path).join(', ')} allows`,
    nextStep: null,
    evidence: { decisions },
  };
}
