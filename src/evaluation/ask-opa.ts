import { OpaError } from '../opa/create-opa-client.js';
import { builtInControls, type EvaluateInput } from '../policy/evaluate.js';
import type { OpaDecision } from '../policy/facts.js';
import { buildOpaInput, OPA_INPUT_VERSION } from '../policy/opa-input.js';
import type { AppDeps } from './app-deps.js';
import { findEmergency } from './find-emergency.js';
import { EvaluationError } from './lookup-tickets.js';

/**
 * Asks the organisation's OPA for each decision the policy names (`opa.decision`, the floor's `opa.decision`),
 * with the whole evaluation as input: the facts, the built-in controls' outcomes and the emergency authorisation
 * recorded for the head. One request per decision, in parallel. OPA unreachable, too slow or answering another
 * shape is an EvaluationError the queue retries; OPA_URL unset is one it does not (the app must be configured).
 */
export async function askOpa(input: { grounds: Omit<EvaluateInput, 'opaDecisions'>; deps: AppDeps }): Promise<OpaDecision[]> {
  const { grounds, deps } = input;
  const { config, pr } = grounds;
  if (config.opa.decisions.length === 0) return [];
  // gather reads them whenever OPA is asked; without them the input would say "no file changed".
  const { changedFiles } = pr;
  if (changedFiles === null) throw new Error('the changed files were not read for the OPA input');
  const source = deps.opa ?? { unavailable: 'OPA_URL is not set' };
  if ('unavailable' in source) {
    throw new EvaluationError(
      `OPA is not configured on the app: ${source.unavailable}`,
      'An administrator of the app must set OPA_URL (and OPA_TOKEN if OPA requires one); see docs/opa.md.',
    );
  }
  const authorisation = await findEmergency({ deps, owner: pr.owner, repo: pr.repo, number: pr.number, headSha: pr.headSha });
  const opaInput = buildOpaInput({
    ...grounds,
    pr: { ...pr, changedFiles },
    controls: builtInControls(grounds),
    emergency: { pathConfigured: config.emergency.teams.length > 0, authorisation },
  });
  return Promise.all(
    config.opa.decisions.map(async ({ path, source: key }): Promise<OpaDecision> => {
      try {
        const answer = await source.client.decide({ path, input: opaInput });
        const { allow, reasons, decisionId, bundleRevisions } = answer;
        return { path, source: key, allow, reasons, decisionId, bundleRevisions, inputVersion: OPA_INPUT_VERSION };
      } catch (error) {
        if (!(error instanceof OpaError)) throw error;
        throw new EvaluationError(error.message, 'Re-run the Change control check once OPA answers; see docs/opa.md.', true);
      }
    }),
  );
}
