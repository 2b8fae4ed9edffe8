import { applyEmergency, noteVoidedEmergency } from './apply-emergency.js';
import type { EmergencyConfig } from './config-schema.js';
import type { EmergencyAuthorisation } from './emergency-override.js';
import { errorVerdict, evaluate } from './evaluate.js';
import type { Verdict } from './verdict.js';

/** What a verdict is decided from: the complete facts, or why they could not be had (a narrow error, never a guess). */
export type Grounds = ({ kind: 'facts' } & Parameters<typeof evaluate>[0]) | ({ kind: 'error' } & Parameters<typeof errorVerdict>[0]);
/** Grounds over complete facts. */
export type FactGrounds = Extract<Grounds, { kind: 'facts' }>;
/** Grounds of an `error` verdict: why a needed fact could not be had. */
export type ErrorGrounds = Extract<Grounds, { kind: 'error' }>;

/** An emergency authorisation recorded for the PR, with the policy's emergency path it must still fall under. */
export interface EmergencyGrounds {
  authorisation: EmergencyAuthorisation | null;
  config: Pick<EmergencyConfig, 'teams'> | null;
  /** Without one for this head: the latest authorisation of an earlier head, named in the report as voided by a push. */
  latest?: EmergencyAuthorisation | null;
}

/**
 * The one decision every verdict comes from: the controls over complete facts (`evaluate`), or `error` when a
 * fact could not be had (`errorVerdict`), then an emergency authorised on this head on top (`applyEmergency`), or a note that one given on an earlier head was voided by a push.
 * Pure: no I/O, and the time is in the grounds (`now`).
 */
export function decide(input: { grounds: Grounds; emergency?: EmergencyGrounds }): Verdict {
  const { grounds, emergency } = input;
  const verdict = grounds.kind === 'facts' ? evaluate(grounds) : errorVerdict(grounds);
  if (emergency === undefined) return verdict;
  const applied = applyEmergency({ verdict, authorisation: emergency.authorisation, emergency: emergency.config });
  return noteVoidedEmergency({ verdict: applied, latest: emergency.latest ?? null });
}
