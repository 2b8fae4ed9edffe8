import type { ChecksConfig } from './config-schema.js';
import { expectedSource } from './expected-source.js';
import type { CheckFact } from './facts.js';
import { selectCheckResult } from './select-check-result.js';
import type { ChecksResult, RequiredCheckEvidence } from './verdict.js';

/**
 * The required-checks control: every required name reported success on the head commit, from a source that counts
 * (see selectCheckResult): a re-run or a newer result from the same reporter replaces the older one.
 */
export function evaluateChecks(input: {
  config: ChecksConfig;
  headSha: string;
  checks: CheckFact[];
  /** Lower-case login of each contributor to the PR to why they are one; their statuses never count. */
  contributors: ReadonlyMap<string, string>;
}): ChecksResult {
  const required: RequiredCheckEvidence[] = input.config.required.map((entry) => {
    const { name, source } = expectedSource(entry);
    const { result, ignored } = selectCheckResult({ name, source, checks: input.checks, contributors: input.contributors });
    return { name, source, state: result ? result.state : 'missing', result, ignored };
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
