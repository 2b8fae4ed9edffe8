import { describeSource } from '../policy/expected-source.js';
import { coversEveryPath } from '../policy/approval-requirements.js';
import type { TicketLookup } from '../policy/facts.js';
import type {
  AppliedFloor,
  ApprovalResult,
  ChecksResult,
  ControlOutcome,
  ControlResult,
  OpaResult,
  TicketKeyResult,
  TicketResult,
  Verdict,
} from '../policy/verdict.js';
import { escapeMarkdown as md } from './escape-markdown.js';
import { renderEmergencySection } from './render-emergency.js';
import { securityEvidence } from './render-security.js';
import { keyOrigin, renderStandardChangeSection } from './render-standard-change.js';

export interface CheckRunReport {
  title: string;
  summary: string;
  text: string;
}

const ICON: Record<ControlOutcome, string> = { success: '✅', pending: '⏳', failure: '❌' };
const HEADING: Record<ControlResult['control'], string> = {
  ticket: 'Change ticket',
  approval: 'Segregation of duties',
  checks: 'Required checks',
  security: 'Security findings',
  opa: 'Policy (OPA)',
};
const short = (sha: string | null): string => (sha ? sha.slice(0, 7) : 'unknown');

const PROVIDER = { jira: 'Jira', servicenow: 'ServiceNow', none: 'none' } as const;

function approvalLine(lookup: Extract<TicketLookup, { found: true }>): string {
  const approval = lookup.approval;
  if (!approval) return '- Approval: no evidence of who approved it';
  const how = {
    'status-transition': 'status change',
    'jsm-approval': 'Service Management approval',
    'servicenow-approval': 'ServiceNow approval',
  }[approval.how];
  return `- Approval (${how} ${md(approval.detail)}): **${approval.decision}**${approval.at ? ` at ${md(approval.at)}` : ''}`;
}

/** Where the key came from: the PR's text, or the store of tickets the app created for it. */
function foundWhere(source: TicketKeyResult['source']): string {
  return source === 'created' ? 'created for this PR by Change Control' : keyOrigin(source);
}

function ticketKeyLines(t: TicketKeyResult, e: TicketResult['evidence'], several: boolean): string[] {
  const provider = PROVIDER[e.provider];
  const lookup = t.lookup;
  const head = several
    ? `- ${t.outcome === 'success' ? '✅' : '❌'} Key: **${t.key}** (${foundWhere(t.source)}): ${md(t.summary)}`
    : `- Key: **${t.key}** (${foundWhere(t.source)})`;
  if (!lookup?.found) return [head, ...(lookup ? [`- ${provider}: [${md(lookup.requestedKey)}](${lookup.url}) was not found`] : [])];
  const lines = [
    head,
    `- ${provider}: [${md(lookup.key)}](${lookup.url}): ${md(lookup.summary)}`,
    `- Status: **${md(lookup.status)}** (approved statuses: ${e.requiredStatuses.map(md).join(', ')})`,
    `- Type: ${md(lookup.issueType)}${e.requiredTypes.length > 0 ? ` (allowed: ${e.requiredTypes.map(md).join(', ')})` : ''}`,
  ];
  if (lookup.approval !== undefined) lines.push(approvalLine(lookup));
  for (const a of t.approvers) {
    const who = md(a.approver.displayName ?? a.approver.email ?? a.approver.accountId ?? 'unnamed');
    const icon = a.conflict !== null ? '❌' : a.via === null ? '⚠️' : '✅';
    const policy = a.via === null && a.conflict === null ? ' (ticket.unmapped_approver: warn)' : '';
    lines.push(`- ${icon} Approver ${who}${a.approver.email ? ` &lt;${md(a.approver.email)}&gt;` : ''} ${md(a.detail)}${policy}`);
  }
  if (t.window) lines.push(`- ${t.window.state === 'inside' ? '✅' : '❌'} ${md(t.window.detail)}`);
  return lines;
}

/** A public repository's report: each ticket's key and status, nothing of its content or of who approved it. */
function publicTicketLines(t: TicketKeyResult, several: boolean): string[] {
  const state = t.lookup?.found ? `status **${md(t.lookup.status)}**` : t.lookup ? 'not found' : 'not looked up';
  const icon = several ? `${t.outcome === 'success' ? '✅' : '❌'} ` : '';
  return [`- ${icon}Key: **${t.key}** (${foundWhere(t.source)}): ${state}`];
}

/** The ticket control's one-line summary on a public repository: keys and statuses only. */
function publicTicketSummary(result: TicketResult): string {
  const tickets = result.evidence.tickets ?? [];
  if (tickets.length === 0) return result.summary;
  const states = tickets.map((t) => `${t.key} ${t.lookup?.found ? `is ${t.lookup.status}` : t.lookup ? 'not found' : 'not looked up'}`);
  return `${result.outcome === 'success' ? 'Approved' : 'Not approved'}: ${states.join('; ')}`;
}

function ticketEvidence(result: TicketResult, hidden: boolean): string[] {
  const { evidence: e } = result;
  if (e.provider === 'none') return ['- Ticket provider: none (control switched off by the policy)'];
  if (hidden) {
    const tickets = e.tickets ?? [];
    const lines = tickets.length === 0 ? ['- Key: none found'] : tickets.flatMap((t) => publicTicketLines(t, tickets.length > 1));
    return [
      ...lines,
      "- A public repository: the ticket's details and approvers are in the audit store, not here (`report.ticket_details: true` shows them).",
    ];
  }
  const tickets = e.tickets ?? [];
  const lines = tickets.length === 0 ? ['- Key: none found'] : [];
  if (tickets.length > 1) lines.push(`- ${tickets.length} tickets; ticket.require: ${e.require ?? 'any'}`);
  for (const t of tickets) lines.push(...ticketKeyLines(t, e, tickets.length > 1));
  if (e.peopleSource) lines.push(`- Approvers tied to GitHub through ${md(e.peopleSource)} and commit e-mails`);
  if (e.otherProjectKeys.length > 0) lines.push(`- Not tickets of this policy: ${e.otherProjectKeys.slice(0, 10).map(md).join(', ')}`);
  return lines;
}

function approvalEvidence(result: ApprovalResult): string[] {
  const { evidence: e } = result;
  const contributors = e.contributors.map((c) => `@${c.login} (${c.detail})`).join(', ');
  const lines = [`- PR author: @${e.author}${contributors ? `; contributors: ${contributors}` : ''}`];
  for (const r of e.requirements) {
    const pool = r.teams.length > 0 ? ` from ${r.teams.join(' or ')}` : '';
    const matched = coversEveryPath(r)
      ? 'every change'
      : r.matchedFiles.length > 0
        ? `matched ${r.matchedFiles.slice(0, 5).map(md).join(', ')}${r.matchedFiles.length > 5 ? ', …' : ''}`
        : 'file list not read: applies';
    const scope = r.paths.length > 0 ? ` for ${r.paths.map(md).join(', ')} (${matched})` : '';
    lines.push(
      `- ${r.satisfied ? '✅' : '⏳'} \`${r.source}\`: ${r.approvers.length}/${r.count} independent approval${r.count === 1 ? '' : 's'}${pool}${scope} on ${short(e.headSha)}`,
    );
  }
  for (const a of e.counted) {
    const on = a.rebased
      ? `approved on ${short(a.commitSha)}, rebased without changes to the PR's diff (patch id ${a.rebased.patchId.slice(0, 12)})`
      : `approved ${short(a.commitSha)}`;
    lines.push(`- ✅ @${a.login} ${on} at ${a.submittedAt}`);
  }
  for (const i of e.ignored) lines.push(`- ➖ @${i.login} not counted: ${md(i.detail)}`);
  for (const login of e.changesRequestedBy) {
    const blocking = e.blockingChangesRequestedBy.includes(login);
    lines.push(
      `- ✋ @${login} requested changes${blocking ? ' (blocks until they approve or the review is dismissed)' : ' (no write access: does not block)'}`,
    );
  }
  for (const u of e.unattributed) {
    const effect =
      e.unattributedPolicy === 'block'
        ? 'is not tied to a GitHub user'
        : 'is not tied to a GitHub user (allowed by approval.unattributed_commits)';
    lines.push(`- ⚠️ Commit ${short(u.commitSha)}: ${u.role} ${md(u.name ?? '')} &lt;${md(u.email ?? 'no email')}&gt; ${effect}`);
  }
  if (e.counted.length === 0 && e.ignored.length === 0) lines.push('- No approvals yet');
  return lines;
}

function checksEvidence(result: ChecksResult): string[] {
  const { evidence: e } = result;
  if (e.required.length === 0) return ['- No checks are required by the policy'];
  const rows = e.required.map((r) => {
    const linked = r.result?.url ? `[${md(r.name)}](${r.result.url})` : md(r.name);
    const name = r.source ? `${linked} (from ${md(describeSource(r.source))})` : linked;
    const by = r.result?.source ? ` by ${md(r.result.source)}` : '';
    const detail = r.result ? `${r.result.kind === 'check_run' ? 'check run' : 'status'} ${r.result.raw}${by}` : 'not reported';
    return `| ${name} | ${r.state} | ${detail} |`;
  });
  const ignored = e.required.flatMap((r) => r.ignored.map((i) => `- ⚠️ Ignored: ${md(i.reason)}`));
  return [
    `Head commit ${short(e.headSha)}:`,
    '',
    '| Check | State | Result |',
    '| --- | --- | --- |',
    ...rows,
    ...(ignored.length > 0 ? ['', ...ignored] : []),
  ];
}

/** Each OPA decision: the path asked and by which key, the answer, OPA's reasons, its decision id and bundle revisions. */
function opaEvidence(result: OpaResult): string[] {
  return result.evidence.decisions.flatMap((d) => {
    // The path and source are the policy's, validated (letters, digits, _ and /): safe in a code span. OPA's text is escaped.
    const id = d.decisionId === null ? '' : ` · decision id ${md(d.decisionId)}`;
    const bundles = Object.entries(d.bundleRevisions).map(([name, revision]) => `bundle ${md(name)} revision ${md(revision)}`);
    const provenance = bundles.length > 0 ? ` · ${bundles.join(', ')}` : '';
    const answer = d.allow ? 'allow' : 'deny';
    const head = `- ${d.allow ? '✅' : '❌'} \`${d.path}\` (${d.source}, input v${d.inputVersion}): **${answer}**${id}${provenance}`;
    return [head, ...d.reasons.map((reason) => `  - ${md(reason)}`)];
  });
}

/** A control's summary as the report shows it (a public repository's ticket: keys and statuses only). */
function summaryOf(result: ControlResult, hidden: boolean): string {
  return hidden && result.control === 'ticket' ? publicTicketSummary(result) : result.summary;
}

function section(result: ControlResult, hidden: boolean): string {
  const evidence =
    result.control === 'ticket'
      ? ticketEvidence(result, hidden)
      : result.control === 'approval'
        ? approvalEvidence(result)
        : result.control === 'checks'
          ? checksEvidence(result)
          : result.control === 'security'
            ? securityEvidence(result)
            : opaEvidence(result);
  const next = result.nextStep && !(hidden && result.control === 'ticket') ? ['', `**Next:** ${md(result.nextStep)}`] : [];
  return [`### ${ICON[result.outcome]} ${HEADING[result.control]}: ${md(summaryOf(result, hidden))}`, '', ...evidence, ...next].join('\n');
}

/** What the organisation floor overrode in the repository's policy: the policy as written is not the one applied. */
function floorSection(floor: AppliedFloor): string {
  const { policy, notes } = floor;
  const heading =
    notes.length === 0 ? 'the policy meets it' : `${notes.length} setting${notes.length === 1 ? '' : 's'} below it; the floor applies`;
  const lines = notes.length === 0 ? ['- Every setting of the policy meets the floor'] : notes.map((n) => `- ${md(n)}`);
  return [`### Organisation floor: ${heading}`, '', `Floor: \`${policy.repo}:${policy.path}@${short(policy.blobSha)}\``, '', ...lines].join(
    '\n',
  );
}

const TITLE: Record<Verdict['state'], string> = {
  success: 'Ready to merge',
  pending: 'Waiting',
  failure: 'Blocked',
  error: 'Cannot evaluate',
};

/** The check run's readable report. Deterministic for the same verdict (no clock), so it can be compared. */
export function renderReport(verdict: Verdict): CheckRunReport {
  const policy = verdict.policy ? `${verdict.policy.repo}:${verdict.policy.path}@${short(verdict.policy.blobSha)}` : 'none';
  const footer = `Policy: \`${policy}\` · head \`${verdict.pullRequest.headSha}\``;
  if (verdict.state === 'error') {
    const summary = [
      '**The evaluation could not be made, so the change may not merge.**',
      '',
      ...verdict.errors.map((e) => `- ${md(e)}`),
      '',
      `**Next:** ${verdict.nextStep}`,
    ].join('\n');
    return { title: `${TITLE.error}: ${verdict.description.replace(/^Cannot evaluate: /, '')}`.slice(0, 250), summary, text: footer };
  }
  const hidden = verdict.ticketDetailsHidden === true;
  const table = [
    '| Control | Result |',
    '| --- | --- |',
    ...verdict.controls.map((c) => `| ${HEADING[c.control]} | ${ICON[c.outcome]} ${md(summaryOf(c, hidden))} |`),
  ];
  const floor = verdict.floor ? [floorSection(verdict.floor)] : [];
  // An emergency leads (it is why the verdict passes); a waived evaluation error has no controls to tabulate.
  const emergency = verdict.emergency ? [renderEmergencySection(verdict.emergency)] : [];
  if (verdict.voidedEmergency) {
    const voided = verdict.voidedEmergency;
    emergency.push(
      `**The emergency authorisation no longer applies.** @${md(voided.by)} authorised head \`${short(voided.headSha)}\` (audit entry #${voided.auditSeq}); ` +
        `the head is now \`${short(verdict.pullRequest.headSha)}\`, pushed since, so the controls apply again. A new \`/change-control emergency\` on this head is needed to waive them.`,
    );
  }
  const tables = verdict.controls.length > 0 ? [table.join('\n')] : [];
  const standard = verdict.standardChange ? [renderStandardChangeSection(verdict.standardChange)] : [];
  const summary = [...emergency, ...tables, ...standard, ...verdict.controls.map((c) => section(c, hidden)), ...floor].join('\n\n');
  return { title: `${TITLE[verdict.state]}: ${verdict.description}`.slice(0, 250), summary, text: footer };
}
