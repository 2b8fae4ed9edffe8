import { decide } from '../policy/decide.js';
import type { Verdict } from '../policy/verdict.js';
import type { AppDeps } from './app-deps.js';
import { findEmergency, latestEmergency } from './find-emergency.js';
import { EvaluationError } from './lookup-tickets.js';
import { pullRequestRef } from '../policy/evaluate.js';
import type { Gathered } from './gather.js';

/**
 * Step 3, decide: the pure decision (src/policy/decide.ts) over the gathered grounds, with an emergency
 * authorised on this head on top (read back from our own store, verified there). A policy that cannot be
 * parsed names no emergency path, so no emergency applies to it.
 */
export async function decideVerdict(input: { gathered: Gathered; deps: AppDeps; ignoreEmergency?: boolean }): Promise<Verdict> {
  const { gathered, deps } = input;
  const { config, facts } = gathered;
  if (config === null) return decide({ grounds: gathered.grounds });
  const { owner, repo, number, headSha } = facts;
  let authorisation: Awaited<ReturnType<typeof findEmergency>> = null;
  try {
    authorisation = input.ignoreEmergency ? null : await findEmergency({ deps, owner, repo, number, headSha });
  } catch (error) {
    // A recorded authorisation that fails verification is not used, and the verdict says why (never the waiver).
    if (!(error instanceof EvaluationError)) throw error;
    const { policy } = gathered.grounds;
    return decide({
      grounds: {
        kind: 'error',
        pullRequest: pullRequestRef(facts),
        policy,
        errors: [error.message],
        nextStep: error.nextStep,
        now: deps.now(),
      },
    });
  }
  // Without one for this head, the latest for an earlier head is named in the report as voided by a push.
  const latest = input.ignoreEmergency || authorisation ? null : await latestEmergency({ deps, owner, repo, number });
  return decide({ grounds: gathered.grounds, emergency: { authorisation, config: config.emergency, latest } });
}
