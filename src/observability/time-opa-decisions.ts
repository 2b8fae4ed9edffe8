import type { OpaClient } from '../opa/create-opa-client.js';
import { opaDecisionDuration } from './metrics.js';

/**
 * The same client, timing each decision in change_control_opa_decision_duration_seconds{outcome}: `allow` or `deny`
 * when OPA gave a decision, `error` when it could not (unreachable, too slow, another shape). The error is rethrown
 * unchanged: the evaluation still turns it into an `error` verdict.
 */
export function timeOpaDecisions(client: OpaClient, now: () => number = performance.now.bind(performance)): OpaClient {
  return {
    async decide(request) {
      const started = now();
      const observe = (outcome: 'allow' | 'deny' | 'error') => opaDecisionDuration.observe({ outcome }, (now() - started) / 1000);
      try {
        const answer = await client.decide(request);
        observe(answer.allow ? 'allow' : 'deny');
        return answer;
      } catch (error) {
        observe('error');
        throw error;
      }
    },
  };
}
