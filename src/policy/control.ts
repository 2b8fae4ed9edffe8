/** A control's own outcome. A control never reports `error`: a missing fact makes the whole evaluation an error. */
export type ControlOutcome = 'success' | 'pending' | 'failure';

export type ControlName = 'ticket' | 'approval' | 'checks' | 'security' | 'opa';
