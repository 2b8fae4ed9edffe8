import type { ChecksConfig } from './config-schema.js';
import type { CheckFact } from './facts.js';
import type { ChecksResult, RequiredCheckEvidence } from './verdict.js';

/** The latest result per check name: a re-run or a newer status replaces the older one. */
function latestByName(checks: CheckFact[]): Map<string, CheckFact> {
  const latest = new Map<string, CheckFact>();
  for (const check of checks) {
    const current = latest.get(check.name);
    if (!current || check.at.localeCompare(current.at) >= 0) latest.set(check.name, check);
  }
  return latest;
}

/** The required-checks control: every required name reported success on the head commit. */
export function evaluateChecks(input: { config: ChecksConfig; headSha: string; checks: CheckFact[] }): ChecksResult {
  const latest = latestByName(input.checks);
  const required: RequiredCheckEvidence[] = input.config.required.map((name) => {
    const result = latest.get(name) ?? null;
    return { name, state: result ? result.state : 'missing', result };
  });
  const evidence = { headSha: input.headSha, required };
  const named = (state: RequiredCheckEvidence['state'][]): string[] => required.filter((r) => state.includes(r.state)).map((r) => r.name);

  const failed = named(['failure']);
  if (failed.length > 0) {
    return {
      control: 'checks',
      outcome: 'failure',
      summary: `Failed: ${failed.join(', ')}`,
      nextStep: `Fix ${failed.join(', ')} and push, or re-run ${failed.length === 1 ? 'it' : 'them'} if the failure was flaky.`,
      evidence,
    };
  }
  const waiting = named(['pending', 'missing']);
  if (waiting.length > 0) {
    const missing = named(['missing']);
    return {
      control: 'checks',
      outcome: 'pending',
      summary: `Waiting for ${waiting.join(', ')}`,
      nextStep:
        missing.length > 0
          ? `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} not reported on ${input.headSha.slice(0, 7)}; check that CI runs for this branch.`
          : 'Wait for the running checks to finish.',
      evidence,
    };
  }
  return {
    control: 'checks',
    outcome: 'success',
    summary: required.length === 0 ? 'No checks required' : `Passed: ${required.map((r) => r.name).join(', ')}`,
    nextStep: null,
    evidence,
  };
}
