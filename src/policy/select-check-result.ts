import { describeSource, type ExpectedSource } from './expected-source.js';
import type { CheckFact } from './facts.js';

/** A result that reported on a required check but does not count, and why (shown in the report). */
export interface IgnoredCheck {
  result: CheckFact;
  reason: string;
}

/** Who reported a result, as the report names them: an app by its slug, a person by @login. */
function reporter(result: CheckFact): string {
  if (result.kind === 'check_run') return result.source ?? 'an unknown app';
  return result.source === null ? 'an unknown user' : `@${result.source}`;
}

function fromSource(result: CheckFact, source: NonNullable<ExpectedSource>): boolean {
  const reported = result.source?.toLowerCase();
  if ('app' in source) return result.kind === 'check_run' && reported === source.app.toLowerCase();
  return result.kind === 'status' && reported === source.creator.toLowerCase();
}

/** One reporter: a check run's app and a status's creator are different sources even when the names agree. */
const sourceKey = (result: CheckFact): string => `${result.kind}:${result.source?.toLowerCase() ?? ''}`;

/** Oldest first; results at the same time keep GitHub's order, so the later one listed wins as before. */
const byTime = (checks: CheckFact[]): CheckFact[] => [...checks].sort((a, b) => a.at.localeCompare(b.at));

/**
 * The result that decides one required check, and the results that do not count. With a named source (GitHub
 * rulesets' "expected source") only that app's check runs or that login's statuses count. Without one, a status
 * posted by a contributor to the PR (or by a user GitHub no longer knows) never counts, and a failure can only be
 * replaced by a later result from the reporter of the failure: anyone else with write access could otherwise post
 * a success over CI's failure.
 */
export function selectCheckResult(input: {
  name: string;
  source: ExpectedSource;
  checks: CheckFact[];
  /** Lower-case login of each contributor (author, committer, co-author, pusher) to why they are one. */
  contributors: ReadonlyMap<string, string>;
}): { result: CheckFact | null; ignored: IgnoredCheck[] } {
  const { name, source } = input;
  const ignored: IgnoredCheck[] = [];
  const ignore = (result: CheckFact, why: string): void => {
    ignored.push({ result, reason: `${name} reported ${result.state} by ${reporter(result)}, ${why}` });
  };
  let current: CheckFact | null = null;
  for (const result of byTime(input.checks.filter((c) => c.name === name))) {
    if (source !== null) {
      if (fromSource(result, source)) current = result;
      else ignore(result, `not by ${describeSource(source)}`);
      continue;
    }
    if (result.kind === 'status' && result.source === null) {
      ignore(result, 'whom GitHub no longer knows');
      continue;
    }
    const contribution = result.kind === 'status' ? input.contributors.get((result.source ?? '').toLowerCase()) : undefined;
    if (contribution !== undefined) {
      ignore(result, `a contributor to this pull request (${contribution})`);
      continue;
    }
    if (current?.state === 'failure' && sourceKey(result) !== sourceKey(current)) {
      ignore(result, `after a failure reported by ${reporter(current)}; only ${reporter(current)} can replace it`);
      continue;
    }
    current = result;
  }
  return { result: current, ignored };
}
