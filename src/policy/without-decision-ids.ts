import type { Verdict } from './verdict.js';

/**
 * The verdict without OPA's decision ids. Each call to OPA gets a new id, like each evaluation gets a new time:
 * a re-evaluation over the same facts, with the same answers and bundle revisions, is the same verdict. The
 * fingerprints that decide whether to write the check run and the audit entry are taken over this, so a
 * re-evaluation writes nothing; the report and the entry that are written keep the id of the decision they show.
 */
export function withoutDecisionIds(verdict: Verdict): Verdict {
  if (verdict.state === 'error') return verdict;
  return {
    ...verdict,
    controls: verdict.controls.map((c) =>
      c.control === 'opa' ? { ...c, evidence: { decisions: c.evidence.decisions.map((d) => ({ ...d, decisionId: null })) } } : c,
    ),
  };
}
