import type { EmergencyConfig } from './config-schema.js';
import type { EmergencyAuthorisation, VoidedEmergency, WaivedControl } from './emergency-override.js';
import { truncate } from './evaluate.js';
import type { Verdict } from './verdict.js';

/** What an emergency waives of a verdict: each control that did not pass, or the evaluation that could not be made. */
export function waivedControls(verdict: Verdict): WaivedControl[] {
  if (verdict.state === 'error')
    return [{ control: 'evaluation', outcome: 'error', summary: verdict.errors.join('; ') || verdict.description }];
  return verdict.controls
    .filter((c) => c.outcome !== 'success')
    .map((c) => ({ control: c.control, outcome: c.outcome, summary: c.summary }));
}

/**
 * The verdict once an emergency authorisation is taken into account. It passes the verdict (`success`,
 * "Emergency change authorised by LOGIN") when the authorisation was given on the verdict's head commit and
 * the policy still has an emergency path; the controls keep their own outcomes, and `emergency` lists what
 * was waived. Nothing changes for a verdict that passes on its own, for an authorisation of another head (a
 * push needs a new one), or without a usable policy: `emergency` null means the policy could not be read,
 * so there is no valid `emergency.teams` and its `error` stands. An `error` of a valid policy (Jira
 * unreachable) can be waived: the waived list says the evaluation could not be made, and why.
 */
export function applyEmergency(input: {
  verdict: Verdict;
  authorisation: EmergencyAuthorisation | null;
  emergency: Pick<EmergencyConfig, 'teams'> | null;
}): Verdict {
  const { verdict, authorisation, emergency } = input;
  if (authorisation === null || emergency === null || emergency.teams.length === 0) return verdict;
  if (authorisation.headSha !== verdict.pullRequest.headSha || verdict.state === 'success') return verdict;
  // An error without a policy source is GitHub itself unreadable: nothing is known to waive.
  if (verdict.policy === null) return verdict;
  const { headSha: _headSha, ...authorised } = authorisation;
  const description = truncate(`Emergency change authorised by ${authorisation.by}`);
  const override = { ...authorised, waived: waivedControls(verdict) };
  if (verdict.state !== 'error') return { ...verdict, state: 'success', description, emergency: override };
  const { pullRequest, policy, evaluatedAt } = verdict;
  return { state: 'success', description, pullRequest, policy, controls: [], evaluatedAt, emergency: override };
}

/**
 * Notes on a verdict that did not pass that the PR's latest emergency authorisation was for another (earlier)
 * head: a push since voided it, and the report says so. Nothing changes for a passing or `error` verdict.
 */
export function noteVoidedEmergency(input: { verdict: Verdict; latest: EmergencyAuthorisation | null }): Verdict {
  const { verdict, latest } = input;
  if (latest === null || verdict.state === 'error' || verdict.state === 'success' || latest.headSha === verdict.pullRequest.headSha)
    return verdict;
  const voidedEmergency: VoidedEmergency = { by: latest.by, headSha: latest.headSha, at: latest.at, auditSeq: latest.auditSeq };
  return { ...verdict, voidedEmergency };
}
