import type { AuditEntry } from './audit-entry.js';

function cell(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\r\n?|\n/g, ' ');
}

function describe(entry: AuditEntry): { verdict: string; reason: string } {
  const data = entry.data as {
    verdict?: { state?: string; description?: string };
    overwrittenBy?: string;
    state?: string;
    missing?: string[];
  };
  switch (entry.kind) {
    case 'status-overwritten':
      return {
        verdict: 'tampered',
        reason: `status overwritten by ${data.overwrittenBy ?? 'someone else'} (${data.state ?? '?'}); re-posted ours`,
      };
    case 'exception':
      return { verdict: 'exception', reason: `merged without a passing verdict: ${(data.missing ?? []).join('; ')}` };
    default:
      return { verdict: data.verdict?.state ?? '?', reason: data.verdict?.description ?? '' };
  }
}

/** The PR's human-readable trail: each verdict change (and exception) with its time and reason, from the audit store. */
export function renderTrail(entries: AuditEntry[]): string {
  const rows = entries.map((e) => {
    const { verdict, reason } = describe(e);
    return `| ${e.at} | \`${e.headSha?.slice(0, 7) ?? '-'}\` | ${cell(verdict)} | ${cell(reason)} | ${e.seq} |`;
  });
  return [
    '### Change control trail',
    '',
    'Each change of the verdict on this pull request. The audit store is the system of record; `#` is the entry number there.',
    '',
    '| Time (UTC) | Head | Verdict | Reason | # |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
