import type { ControlName, ControlOutcome } from './control.js';

/** An emergency authorisation as recorded in the audit store: the facts `applyEmergency` needs. */
export interface EmergencyAuthorisation {
  /** The member of `emergency.teams` who authorised it. */
  by: string;
  reason: string;
  /** ISO-8601 time of the authorisation. */
  at: string;
  /** The head commit it was given on: it covers that code only, as an approval does. */
  headSha: string;
  followUpIssue: { repo: string; number: number; url: string };
  /** ISO-8601 time by which the retrospective approval is due. */
  dueAt: string;
  /** The audit entry that records it. */
  auditSeq: number;
}

/** A control that did not pass and was waived; `evaluation` when the evaluation itself could not be made. */
export interface WaivedControl {
  control: ControlName | 'evaluation';
  outcome: ControlOutcome | 'error';
  summary: string;
}

/** What a verdict passed by an emergency carries: who, why, and what was waived. */
export interface EmergencyOverride extends Omit<EmergencyAuthorisation, 'headSha'> {
  waived: WaivedControl[];
}

/** An emergency authorisation given on an earlier head of the PR: a push since voided it (the report says so). */
export interface VoidedEmergency {
  by: string;
  /** The head it was given on. */
  headSha: string;
  at: string;
  auditSeq: number;
}
