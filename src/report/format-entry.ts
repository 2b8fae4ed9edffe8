import type { AuditEntry } from '../audit/audit-entry.js';
import { DeploymentBypassRecord } from '../audit/deployment-records.js';
import {
  CommandRecord,
  EmergencyOverdueRecord,
  EmergencyRecord,
  ExceptionRecord,
  MergeGroupDestroyedRecord,
  MergeGroupRecord,
  MergeRecord,
  RetroApprovalRecord,
} from '../audit/evidence-records.js';
import { DirectPushRecord } from '../audit/push-records.js';
import { PushData, StatusOverwrittenData, VerdictData } from './entry-data.js';
import { formatSecurityCounts, securityCounts } from './security-counts.js';

/**
 * Control characters and bidirectional overrides shown as escapes: a PR title or status description can
 * otherwise move the cursor, recolour or reorder what an auditor's terminal shows.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    return `\\u{${c.charCodeAt(0).toString(16)}}`;
  });
}

export interface Described {
  summary: string;
  facts: Array<[string, string]>;
  /** Further lines under the last fact (e.g. each thing an exception lacked). */
  list?: string[];
}

const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : '-');

function describeVerdict(entry: AuditEntry): Described | null {
  const parsed = VerdictData.safeParse(entry.data);
  if (!parsed.success) return null;
  const { verdict } = parsed.data;
  const facts: Array<[string, string]> = [
    ['state', verdict.state],
    ['description', verdict.description],
  ];
  for (const control of verdict.controls ?? []) facts.push([control.control, `${control.outcome} — ${control.summary}`]);
  for (const error of verdict.errors ?? []) facts.push(['error', error]);
  if (verdict.policy) facts.push(['policy', `${verdict.policy.repo}:${verdict.policy.path}@${verdict.policy.blobSha}`]);
  return { summary: `${verdict.state}: ${verdict.description}`, facts };
}

function describeMerge(entry: AuditEntry): Described | null {
  const parsed = MergeRecord.safeParse(entry.data);
  if (!parsed.success) return null;
  const record = parsed.data;
  const ticket = record.ticket
    ? `${record.ticket.key} (${record.ticket.status ?? 'status unknown'}; approver ${record.ticket.approver ?? 'unknown'})`
    : 'none';
  const evidence = record.evidence ?? 'verified';
  const state = evidence === 'verified' ? '' : ` [evidence ${evidence}]`;
  const late = record.recordedBy === 'reconciliation' ? ' (recorded late by reconciliation)' : '';
  return {
    summary: `merged by ${record.mergedBy ?? 'unknown'} as ${short(record.mergeSha)}: ${record.pr.title}${state}${late}`,
    facts: [
      ['evidence', record.claimSeq ? `${evidence} (claim #${record.claimSeq})` : evidence],
      ['merged by', record.mergedBy ?? 'unknown'],
      ['merge sha', record.mergeSha ?? 'unknown'],
      ['merged at', record.mergedAt],
      ['base', record.baseRef],
      ['author', record.pr.author],
      ['ticket', ticket],
      ['approvers', record.approvers.map((a) => `${a.login}@${short(a.commitSha)}`).join(', ') || 'none'],
      ['checks', record.checks.map((c) => `${c.name}=${c.state}`).join(', ') || 'none'],
      ...(record.security
        ? [
            ['security', securityCounts(record.security).map(formatSecurityCounts).join(', ') || 'no analysis of the head'] as [
              string,
              string,
            ],
          ]
        : []),
      [
        'gate',
        record.gate
          ? `${record.gate.state} — ${record.gate.description}${record.gate.seq === null ? '' : ` (#${record.gate.seq})`}`
          : 'no verdict recorded',
      ],
      ['at merge', `${record.atMerge.state} — ${record.atMerge.description}`],
      ['exceptions', record.exceptions.join(', ') || 'none'],
      ['policy', record.policy ?? 'none'],
      ...(record.mergeGroup
        ? [
            ['merge group', `${record.mergeGroup.state} on ${short(record.mergeGroup.headSha)} (#${record.mergeGroup.seq})`] as [
              string,
              string,
            ],
          ]
        : []),
    ],
  };
}

function describeException(entry: AuditEntry): Described | null {
  const direct = DirectPushRecord.safeParse(entry.data);
  if (direct.success) {
    const d = direct.data;
    const how = d.deleted ? 'deleted' : d.forced ? 'force-pushed to' : 'pushed directly to';
    return {
      summary: `direct-push: ${d.sender ?? 'an unknown account'} ${how} ${d.branch}${d.complete ? '' : ' (evidence incomplete)'}${d.recordedBy === 'reconciliation' ? ' (recorded late by reconciliation)' : ''}`,
      facts: [
        ['pushed by', `${d.sender ?? 'unknown'} (git pusher ${d.pusher.name})`],
        ['before', d.before],
        ['after', d.after],
        ['forced', String(d.forced)],
        [
          'commits',
          d.commits
            .map(
              (c) =>
                `${c.sha.slice(0, 7)} ${c.author.login ?? c.author.name ?? '?'}${c.pullRequest === null ? '' : ` (#${c.pullRequest})`}`,
            )
            .join(', ') || 'none',
        ],
        ['issue', d.issueUrl ?? 'not opened'],
        ['why', ''],
      ],
      list: d.reasons.map((reason) => reason.trim()),
    };
  }
  const bypass = DeploymentBypassRecord.safeParse(entry.data);
  if (bypass.success) {
    const b = bypass.data;
    return {
      summary: `deployment-bypass: ${b.environment} reported ${b.sha.slice(0, 7)} deployed without the gate`,
      facts: [
        ['deployment', String(b.deploymentId)],
        ['status by', b.statusCreator ?? 'unknown'],
        ['why', b.reason],
        ['issue', b.issueUrl ?? 'not opened'],
      ],
    };
  }
  const parsed = ExceptionRecord.safeParse(entry.data);
  if (!parsed.success) return null;
  const exception = parsed.data;
  return {
    summary:
      exception.type === 'evidence-incomplete'
        ? 'merged; its evidence cannot be read from GitHub (evidence incomplete)'
        : `merged without a passing verdict (gate ${exception.gateState ?? 'none'})`,
    facts: [
      ['merged by', exception.mergedBy ?? 'unknown'],
      ['merge sha', exception.mergeSha ?? 'unknown'],
      ['issue', exception.issueUrl ?? 'not opened'],
      [exception.type === 'evidence-incomplete' ? 'why' : 'missing', ''],
    ],
    list: exception.missing,
  };
}

function describeEmergency(entry: AuditEntry): Described | null {
  const parsed = EmergencyRecord.safeParse(entry.data);
  if (!parsed.success) return null;
  const e = parsed.data;
  return {
    summary: `emergency change authorised by ${e.by}: ${e.reason}`,
    facts: [
      ['authorised by', e.by],
      ['reason', e.reason],
      ['follow-up issue', e.followUpIssue.url],
      ['due', e.dueAt],
      ['reviewers', e.reviewers.join(', ')],
      ['waived', ''],
    ],
    list: e.waived.map((w) => `${w.control}: ${w.summary}`),
  };
}

function describeCommand(entry: AuditEntry): Described | null {
  switch (entry.kind) {
    case 'retro-approval': {
      const parsed = RetroApprovalRecord.safeParse(entry.data);
      if (!parsed.success) return null;
      const r = parsed.data;
      return {
        summary: `emergency #${r.emergencySeq} approved retrospectively by ${r.by}${r.late ? ' (late)' : ''}`,
        facts: [
          ['approved by', r.by],
          ['due', r.dueAt],
          ['issue', r.followUpIssue.url],
          ...(r.note ? [['note', r.note] as [string, string]] : []),
        ],
      };
    }
    case 'emergency-overdue': {
      const parsed = EmergencyOverdueRecord.safeParse(entry.data);
      if (!parsed.success) return null;
      return {
        summary: `emergency #${parsed.data.emergencySeq} overdue (due ${parsed.data.dueAt}); flagged on its issue`,
        facts: [['issue', parsed.data.followUpIssue.url]],
      };
    }
    default: {
      const parsed = CommandRecord.safeParse(entry.data);
      if (!parsed.success) return null;
      const c = parsed.data;
      const outcome = c.outcome === 'refused' ? `refused: ${c.reason ?? ''}` : 'accepted';
      return {
        summary: `/change-control ${c.command ?? '?'} by ${c.by}, ${outcome}`,
        facts: [
          ['by', c.by],
          ['comment', c.comment.url],
        ],
      };
    }
  }
}

/** What an entry records, for reading: a summary line and its key facts (null: data not in the expected shape). */
export function describeEntry(entry: AuditEntry): Described | null {
  switch (entry.kind) {
    case 'emergency':
      return describeEmergency(entry);
    case 'retro-approval':
    case 'emergency-overdue':
    case 'command':
      return describeCommand(entry);
    case 'verdict':
    case 'config-error':
      return describeVerdict(entry);
    case 'push': {
      const parsed = PushData.safeParse(entry.data);
      if (!parsed.success) return null;
      const action = parsed.data.action ? ` (${parsed.data.action})` : '';
      return { summary: `pushed by ${parsed.data.pusher}${action}`, facts: [['pusher', parsed.data.pusher]] };
    }
    case 'merge':
      return describeMerge(entry);
    case 'exception':
      return describeException(entry);
    case 'merge-group': {
      const parsed = MergeGroupRecord.safeParse(entry.data);
      if (!parsed.success) return null;
      const g = parsed.data;
      return {
        summary: `merge group ${g.state}: ${g.description}`,
        facts: [
          ['group', g.headRef],
          ['pull requests', g.pulls.map((p) => `#${p.number} ${p.state}`).join(', ')],
        ],
        list: [...g.pulls.flatMap((p) => p.failing.map((f) => `#${p.number} ${f}`)), ...g.problems],
      };
    }
    case 'merge-group-destroyed': {
      const parsed = MergeGroupDestroyedRecord.safeParse(entry.data);
      if (!parsed.success) return null;
      return { summary: `merge group removed (${parsed.data.reason ?? 'no reason given'})`, facts: [['group', parsed.data.headRef]] };
    }
    case 'status-overwritten': {
      const parsed = StatusOverwrittenData.safeParse(entry.data);
      if (!parsed.success) return null;
      const { overwrittenBy, state, description } = parsed.data;
      return {
        summary: `status overwritten by ${overwrittenBy}; ours re-posted`,
        facts: [
          ['by', overwrittenBy],
          ['their status', `${state ?? '?'}${description ? ` — ${description}` : ''}`],
        ],
      };
    }
    default:
      return null;
  }
}

/** One entry for reading: `#seq at kind head7 — summary`, then its key facts indented. */
export function formatEntry(entry: AuditEntry): string {
  const described = describeEntry(entry);
  const summary = described?.summary ?? 'data not in the expected shape (see --json)';
  const lines = [`#${entry.seq} ${entry.at} ${entry.kind} ${short(entry.headSha)} — ${summary}`];
  for (const [label, value] of described?.facts ?? []) lines.push(value === '' ? `    ${label}:` : `    ${label}: ${value}`);
  for (const item of described?.list ?? []) lines.push(`      - ${item}`);
  if (entry.deliveryId !== null) lines.push(`    delivery: ${entry.deliveryId}`);
  return lines.map(terminalSafe).join('\n');
}

/** Entries in sequence order, a blank line between them. */
export function formatEntries(entries: readonly AuditEntry[]): string {
  return entries.map((entry) => `${formatEntry(entry)}\n`).join('\n');
}
