import { describe, expect, it } from '@jest/globals';
import { alertSeverity } from '../../src/github/read-code-scanning.js';

describe('alertSeverity', () => {
  it.each([
    {
      rule: { security_severity_level: 'critical' as const, severity: 'note' as const },
      severity: 'critical',
      from: 'security_severity_level',
    },
    {
      rule: { security_severity_level: 'medium' as const, severity: 'error' as const },
      severity: 'medium',
      from: 'security_severity_level',
    },
    { rule: { security_severity_level: null, severity: 'error' as const }, severity: 'high', from: 'severity' },
    { rule: { severity: 'warning' as const }, severity: 'medium', from: 'severity' },
    { rule: { severity: 'note' as const }, severity: 'low', from: 'severity' },
    { rule: { severity: 'none' as const }, severity: 'low', from: 'severity' },
    // Neither field: an unknown severity must not slip under a threshold.
    { rule: { severity: null }, severity: 'critical', from: 'severity' },
    { rule: {}, severity: 'critical', from: 'severity' },
  ])('$rule → $severity (from $from)', ({ rule, severity, from }) => {
    expect(alertSeverity(rule)).toEqual({ severity, from });
  });
});
