import { beforeEach, describe, expect, it } from '@jest/globals';
import { opaDecisionDuration, registry } from '../../src/observability/metrics.js';
import { timeOpaDecisions } from '../../src/observability/time-opa-decisions.js';
import { OpaError, type OpaAnswer } from '../../src/opa/create-opa-client.js';

/** A clock that advances 250 ms per reading, so durations are exact. */
function steppingClock() {
  let t = 0;
  return () => (t += 250);
}

async function observed(outcome: string) {
  const metric = await opaDecisionDuration.get();
  const value = (name: string) => metric.values.find((v) => v.metricName === name && v.labels.outcome === outcome)?.value;
  return {
    count: value('change_control_opa_decision_duration_seconds_count'),
    sum: value('change_control_opa_decision_duration_seconds_sum'),
  };
}

const answer = (allow: boolean): OpaAnswer => ({ allow, reasons: allow ? [] : ['no'], decisionId: null, bundleRevisions: {} });
const REQUEST = { path: 'change_control/allow', input: { version: 1 } };

beforeEach(() => registry.resetMetrics());

describe('timeOpaDecisions', () => {
  it.each([
    [true, 'allow'],
    [false, 'deny'],
  ])('passes the answer through and observes allow: %s as %s', async (allow, outcome) => {
    const client = timeOpaDecisions({ decide: async () => answer(allow) }, steppingClock());

    await expect(client.decide(REQUEST)).resolves.toEqual(answer(allow));

    expect(await observed(outcome)).toEqual({ count: 1, sum: 0.25 });
  });

  it('rethrows the OPA error unchanged and observes an error', async () => {
    const failure = new OpaError('OPA did not answer within 5000 ms');
    const client = timeOpaDecisions({ decide: () => Promise.reject(failure) }, steppingClock());

    await expect(client.decide(REQUEST)).rejects.toBe(failure);

    expect(await observed('error')).toEqual({ count: 1, sum: 0.25 });
    expect((await observed('allow')).count).toBeUndefined();
  });
});
