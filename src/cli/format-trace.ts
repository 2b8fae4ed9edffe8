import type { DeployedChange } from '../audit/deployment-records.js';
import { changeTypeOf, type ChangeType } from '../audit/evidence-records.js';
import type { Trace, TracedChange, TracedDeployment, TracedDirectPush } from './build-trace.js';
import { terminalSafe } from '../report/format-entry.js';

const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : '-');
const prList = (changes: DeployedChange[]): string => changes.map((c) => `#${c.prNumber}`).join(', ') || 'none';

const RETRO = {
  approved: 'retrospectively approved',
  'approved-late': 'retrospectively approved, late',
  awaiting: 'retrospective approval outstanding',
  overdue: 'retrospective approval overdue',
};

function deploymentLines(d: TracedDeployment): string[] {
  const lines = [
    `  #${d.seq} ${d.at} ${d.environment} ${d.state} (deployment ${d.deploymentId}, triggered by ${d.triggeredBy ?? 'unknown'})`,
  ];
  if (d.state !== 'success') return lines;
  if (d.changesError !== null) return [...lines, `      changes: unknown (${d.changesError})`];
  lines.push(
    `      after ${short(d.previous?.sha)} (known from ${d.previous?.source ?? '-'}); changes new to ${d.environment}: ${prList(d.changes ?? [])}`,
  );
  for (const u of d.uncovered ?? []) lines.push(`      no approved change: ${u.sha} — ${u.reason}`);
  return lines;
}

const typeOf = (change: TracedChange): ChangeType => changeTypeOf(change.record, change.emergency !== null);

/** The changes counted apart by how they were governed. */
function typeCounts(changes: TracedChange[]): string {
  const count = (type: ChangeType) => changes.filter((c) => typeOf(c) === type).length;
  return `${count('standard')} standard, ${count('normal')} normal, ${count('emergency')} emergency`;
}

function changeLines(change: TracedChange): string[] {
  const { record, emergency } = change;
  const ticket = record.ticket
    ? `${record.ticket.key} (${record.ticket.status ?? 'status unknown'}; approver ${record.ticket.approver ?? 'unknown'})`
    : 'none';
  const lines = [
    `  #${record.pr.number} ${record.pr.title}`,
    `      url: ${record.pr.url}`,
    `      author: ${record.pr.author}`,
    `      ticket: ${ticket}`,
    `      change type: ${typeOf(change)}${record.standardChange ? ` (class ${record.standardChange.name}, standing ticket ${record.standardChange.ticket})` : ''}`,
    `      approvers: ${record.approvers.map((a) => `${a.login}@${short(a.commitSha)}`).join(', ') || 'none'}`,
    `      checks: ${record.checks.map((c) => `${c.name}=${c.state}`).join(', ') || 'none'}`,
    `      merged by: ${record.mergedBy ?? 'unknown'} at ${record.mergedAt} as ${short(record.mergeSha)} (head ${short(record.headSha)}; merge entry #${change.mergeSeq})${record.recordedBy === 'reconciliation' ? ' (recorded late by reconciliation)' : ''}`,
    `      verdict: gate ${record.gate?.state ?? 'none'}, at merge ${record.atMerge.state}; evidence: ${record.evidence ?? 'verified'}; exceptions: ${record.exceptions.join(', ') || 'none'}`,
  ];
  const gate = change.gateInForce;
  lines.push(
    gate === null
      ? `      gate on ${record.baseRef} at merge: unknown (no enforcement check recorded before the merge)`
      : `      gate on ${record.baseRef} at merge: ${gate.status} (enforcement entry #${gate.seq} of ${gate.since})${gate.status === 'enforced' ? '' : ` — ${gate.reasons.join('; ')}`}`,
  );
  if (emergency)
    lines.push(
      `      emergency: authorised by ${emergency.by} (entry #${emergency.seq}), ${RETRO[emergency.retro]}${emergency.retroBy ? ` by ${emergency.retroBy}` : ''}`,
    );
  const deployed = change.deployedTo.map((d) => `${d.environment} ${d.at} (${short(d.sha)}, entry #${d.seq})`);
  lines.push(`      deployed: ${deployed.join('; ') || 'not yet to a gated environment'}`);
  return lines;
}

function directPushLines(push: TracedDirectPush): string[] {
  const { record } = push;
  const how = record.deleted ? 'deleted' : record.forced ? 'force-pushed' : 'pushed directly';
  const lines = [
    `  #${push.seq} ${push.at} ${record.branch}: ${how} by ${record.sender ?? 'unknown'} (git pusher ${record.pusher.name}), ${short(record.before)}..${short(record.after)}${record.complete ? '' : ' (evidence incomplete)'}${record.recordedBy === 'reconciliation' ? ' (recorded late by reconciliation)' : ''}`,
  ];
  for (const c of record.commits)
    lines.push(
      `      ${short(c.sha)} ${c.author.login ?? c.author.name ?? 'unknown'}: ${c.headline}${c.pullRequest === null ? ' (no merged PR)' : ` (#${c.pullRequest})`}`,
    );
  for (const c of record.removed)
    lines.push(`      removed ${short(c.sha)} ${c.author.login ?? c.author.name ?? 'unknown'}: ${c.headline}`);
  lines.push(`      issue: ${record.issueUrl ?? 'not opened'}`);
  return lines;
}

/** The trace for reading: the commit's deployments and gate answers, then each change behind it. User text is made terminal-safe. */
export function formatTrace(trace: Trace): string {
  const lines = [`Trace of ${trace.sha} in ${trace.repo}`, '', 'Deployments of this commit:'];
  if (trace.deployments.length === 0) lines.push('  none recorded');
  for (const d of trace.deployments) lines.push(...deploymentLines(d));
  if (trace.gates.length > 0) {
    lines.push('', 'Deployment gate:');
    for (const g of trace.gates) lines.push(`  #${g.seq} ${g.at} ${g.environment} ${g.state}: ${g.comment.split('\n')[0] ?? ''}`);
  }
  lines.push('', trace.changes.length === 0 ? 'Changes:' : `Changes (${typeCounts(trace.changes)}):`);
  if (trace.changes.length === 0) lines.push('  none recorded');
  for (const change of trace.changes) lines.push(...changeLines(change));
  if (trace.directPushes.length > 0) {
    lines.push('', 'Direct pushes (exceptions: no merged pull request brought these commits):');
    for (const push of trace.directPushes) lines.push(...directPushLines(push));
  }
  return `${lines.map(terminalSafe).join('\n')}\n`;
}
