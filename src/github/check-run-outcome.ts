import type { Verdict } from '../policy/verdict.js';

/** The check run's status and conclusion for a verdict (no conclusion while it is in progress). */
export function checkRunOutcome(verdict: Verdict): { status: 'in_progress' | 'completed'; conclusion: 'success' | 'failure' | null } {
  if (verdict.state === 'pending') return { status: 'in_progress', conclusion: null };
  // An evaluation error is shown as a failure: a check run has no `error` conclusion and must never look passable.
  return { status: 'completed', conclusion: verdict.state === 'success' ? 'success' : 'failure' };
}
