import type { AuditEntry } from '../../audit/audit-entry.js';
import { DeploymentStatusRecord } from '../../audit/deployment-records.js';
import { formatVerifyResult } from '../../audit/verify-chain.js';
import { escapeHtml, linkHtml } from '../../report/escape-html.js';
import { describeEntry, type Described } from '../../report/format-entry.js';
import type { ChangeSummary } from '../../report/change-summary.js';
import type { ChainCheck } from './chain-checker.js';
import { renderLayout } from './render-layout.js';

function describeDeployment(entry: AuditEntry, prNumber: number): Described | null {
  const parsed = DeploymentStatusRecord.safeParse(entry.data);
  if (!parsed.success) return null;
  const record = parsed.data;
  const change = (record.changes ?? []).find((c) => c.prNumber === prNumber);
  return {
    summary: `deployment ${record.deploymentId} to ${record.environment}: ${record.state}`,
    facts: [
      ['environment', record.environment],
      ['state', record.state],
      ['at', record.at],
      ['basis', change ? change.basis : 'not listed'],
    ],
  };
}

const factValue = (label: string, value: string): string => (/url|issue|comment/.test(label) ? linkHtml(value) : escapeHtml(value));

function entryItem(entry: AuditEntry, prNumber: number): string {
  const described = entry.kind === 'deployment-status' ? describeDeployment(entry, prNumber) : describeEntry(entry);
  const summary = described?.summary ?? 'data not in the expected shape (see the raw entry)';
  const facts = (described?.facts ?? [])
    .filter(([, value]) => value !== '')
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${factValue(label, value)}</dd>`);
  const list =
    described?.list && described.list.length > 0 ? `<ul>${described.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>` : '';
  return `<li data-seq="${entry.seq}" data-kind="${escapeHtml(entry.kind)}">
<div class="head"><span class="kind">${escapeHtml(entry.kind)}</span><span class="hash">#${entry.seq}</span><span class="hash">${escapeHtml(entry.at)}</span>${entry.headSha ? `<span class="hash">head ${escapeHtml(entry.headSha.slice(0, 7))}</span>` : ''}</div>
<div class="summary">${escapeHtml(summary)}</div>
${facts.length > 0 ? `<dl class="facts">${facts.join('')}</dl>` : ''}${list}
<details><summary>Raw entry (hash <span class="hash">${escapeHtml(entry.hash.slice(0, 16))}…</span>)</summary><pre>${escapeHtml(JSON.stringify(entry, null, 2))}</pre></details>
</li>`;
}

function chainPanel(chain: ChainCheck): string {
  const ok = chain.result.ok;
  const text = ok
    ? `Audit chain verified from entry 1 through entry ${chain.upToSeq}, this change's last entry (${chain.checked} checked; whole chain last walked at ${chain.fullCheckAt}).`
    : `Audit chain BROKEN at entry ${chain.result.brokenSeq}${chain.result.brokenSeq <= chain.upToSeq ? ", within this change's evidence" : ', after this change’s last entry'} (${chain.checked} checked): run change-control audit verify before relying on the store.`;
  return `<div class="panel" id="chain"><span class="badge ${ok ? 'ok' : 'broken'}">${ok ? 'chain verified' : 'chain broken'}</span> ${escapeHtml(text)}<br><code>${escapeHtml(formatVerifyResult(chain.result))}</code></div>`;
}

function summaryPanel(change: ChangeSummary | null): string {
  if (!change) return '<p class="muted">Not merged (no merge record in the audit trail).</p>';
  const facts: Array<[string, string]> = [
    ['Title', escapeHtml(change.title)],
    ['Pull request', linkHtml(change.url)],
    ['Author', escapeHtml(change.author)],
    ['Merged', `${escapeHtml(change.mergedAt)} by ${escapeHtml(change.mergedBy ?? 'unknown')}`],
    ['Ticket', escapeHtml(change.ticket ?? 'none')],
    ['Change type', escapeHtml(change.standardClass ? `${change.changeType} (class ${change.standardClass})` : change.changeType)],
    ['Approvers', escapeHtml(change.approvers.join(', ') || 'none')],
    ...(change.security.length > 0
      ? [['Security findings at merge', change.security.map(escapeHtml).join('<br>')] as [string, string]]
      : []),
    [
      'Merge evidence',
      change.evidence === 'unverified'
        ? 'unverified: only the claim from the merge webhook so far; the evidence is being read from GitHub'
        : change.evidence === 'incomplete'
          ? 'incomplete: GitHub cannot give the facts it needs (see the evidence-incomplete exception)'
          : change.evidence === 'refuted'
            ? 'refuted: GitHub says the pull request was not merged'
            : 'verified: read back from GitHub',
    ],
    ['Last verdict before merge', `<span class="badge ${escapeHtml(change.gateState)}">${escapeHtml(change.gateState)}</span>`],
    [
      'Passed every control',
      change.passed ? 'yes' : `no${change.exceptions.length > 0 ? ` (${escapeHtml(change.exceptions.join(', '))})` : ''}`,
    ],
  ];
  return `<dl class="facts panel">${facts.map(([label, value]) => `<dt>${label}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

/** A change's evidence: summary, whether the chain verifies up to its last entry, and every entry in audit order. */
export function renderChangePage(input: {
  repo: string;
  prNumber: number;
  change: ChangeSummary | null;
  entries: readonly AuditEntry[];
  chain: ChainCheck;
  login: string;
}): string {
  const { repo, prNumber } = input;
  const [owner = '', name = ''] = repo.split('/');
  const showCli = `change-control audit show ${repo}#${prNumber}`;
  const body = [
    `<h1>${escapeHtml(`${repo}#${prNumber}`)}</h1>`,
    summaryPanel(input.change),
    chainPanel(input.chain),
    `<h2>Evidence timeline (${input.entries.length} entries)</h2>`,
    `<p class="muted">The same entries as <code>${escapeHtml(showCli)}</code>; download them as <a href="/api/v1/changes/${escapeHtml(encodeURIComponent(owner))}/${escapeHtml(encodeURIComponent(name))}/${prNumber}" download>JSON</a>.</p>`,
    `<ol class="timeline">${input.entries.map((entry) => entryItem(entry, prNumber)).join('\n')}</ol>`,
  ].join('\n');
  return renderLayout({ title: `${repo}#${prNumber}`, body, login: input.login, section: 'changes' });
}
