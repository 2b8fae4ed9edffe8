import { escapeHtml } from '../../report/escape-html.js';
import { filterQuery, type ChangeFilter } from '../../report/change-filter.js';
import { formatRate, type Posture, type PostureCounts } from '../../report/compute-posture.js';
import { renderRateChart } from './render-rate-chart.js';
import { renderDownloads, renderFilterForm } from './render-filter-form.js';
import { renderLayout } from './render-layout.js';

function changesLink(filter: ChangeFilter, extra: Partial<ChangeFilter>, text: string): string {
  const query = filterQuery({ ...filter, ...extra });
  return `<a href="/dashboard/changes?${escapeHtml(query)}">${text}</a>`;
}

function card(value: string, label: string, id: string): string {
  return `<div class="card" data-metric="${id}"><div class="value">${value}</div><div class="label">${label}</div></div>`;
}

function cards(total: PostureCounts, gaps: number, directPushes: number): string {
  const exceptions = total.merged - total.passed;
  return `<div class="cards">${[
    card(String(total.merged), 'merged changes', 'merged'),
    card(escapeHtml(formatRate(total.rate)), `passed every control (${total.passed})`, 'rate'),
    card(String(exceptions), 'did not pass every control', 'not-passed'),
    card(String(total.bypass), 'bypasses', 'bypass'),
    card(String(total.emergency), 'emergency changes', 'emergency'),
    card(String(total.emergencyOverdue), 'overdue retrospective reviews', 'emergency-overdue'),
    card(String(total.standard), 'standard changes (pre-approved class)', 'standard'),
    card(String(total.normal), 'normal changes (own ticket)', 'normal'),
    card(String(gaps), 'enforcement gaps (gate not in force)', 'enforcement-gaps'),
    card(String(directPushes), 'direct pushes (no merged pull request)', 'direct-push'),
  ].join('')}</div>`;
}

function counts(filter: ChangeFilter, row: PostureCounts, scope: Partial<ChangeFilter>): string {
  const num = (value: number, extra: Partial<ChangeFilter>) =>
    `<td class="num">${value === 0 ? '0' : changesLink(filter, { ...scope, ...extra }, String(value))}</td>`;
  return [
    num(row.merged, {}),
    num(row.passed, { verdict: 'success', exception: 'none' }),
    `<td class="num">${escapeHtml(formatRate(row.rate))}</td>`,
    num(row.bypass, { exception: 'bypass' }),
    num(row.emergency, { exception: 'emergency' }),
    num(row.emergencyOverdue, { exception: 'emergency-overdue' }),
  ].join('');
}

function repoTable(filter: ChangeFilter, posture: Posture): string {
  if (posture.repos.length === 0) return '<p class="muted">No merged changes in this period.</p>';
  const rows = posture.repos.map(
    (repo) =>
      `<tr data-repo="${escapeHtml(repo.repo)}"><td>${changesLink(filter, { repo: repo.repo }, escapeHtml(repo.repo))}</td>${counts(filter, repo, { repo: repo.repo })}</tr>`,
  );
  const head =
    '<tr><th>Repository</th><th class="num">Merged</th><th class="num">Passed every control</th><th class="num">Compliance rate</th><th class="num">Bypasses</th><th class="num">Emergency changes</th><th class="num">Overdue retro reviews</th></tr>';
  return `<table class="posture"><thead>${head}</thead><tbody>${rows.join('')}</tbody><tfoot><tr data-repo="total"><th>Total</th>${counts(filter, posture.total, {})}</tr></tfoot></table>`;
}

/** When and where the gate was not in force (not enforced, or unknown: never counted as enforced). */
function gapTable(posture: Posture): string {
  if (posture.enforcementGaps.length === 0)
    return '<p class="muted">No enforcement gap recorded in this period (see Access for the enforcement checks).</p>';
  const rows = posture.enforcementGaps.map(
    (gap) =>
      `<tr data-gap="${gap.seq}"><td>${escapeHtml(gap.repo)}</td><td>${escapeHtml(gap.branch)}</td><td>${escapeHtml(gap.status)}</td><td>${escapeHtml(gap.from)}</td><td>${escapeHtml(gap.to ?? 'still open')}</td><td>${escapeHtml(gap.reasons.join('; '))}</td><td class="num">${gap.seq}</td></tr>`,
  );
  const head =
    '<tr><th>Repository</th><th>Branch</th><th>Status</th><th>From</th><th>Until</th><th>Why</th><th class="num">Entry</th></tr>';
  return `<table class="gaps"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Pushes to controlled branches that no merged PR brought: each an exception with its issue. */
function directPushTable(posture: Posture): string {
  if (posture.directPushes.length === 0) return '<p class="muted">No direct push to a controlled branch recorded in this period.</p>';
  const rows = posture.directPushes.map((push) => {
    const how = push.deleted ? 'deleted' : push.forced ? 'force-push' : 'push';
    const commits = push.commits === null ? '' : `${push.commits}${push.complete ? '' : ' (incomplete)'}`;
    const issue = push.issueUrl ? `<a href="${escapeHtml(push.issueUrl)}">issue</a>` : 'not opened';
    return `<tr data-direct-push="${push.seq}"><td>${escapeHtml(push.repo)}</td><td>${escapeHtml(push.branch)}</td><td>${escapeHtml(how)}</td><td>${escapeHtml(push.sender ?? 'unknown')}</td><td>${escapeHtml(push.at)}</td><td class="num">${escapeHtml(commits)}</td><td>${issue}</td><td class="num">${push.seq}</td></tr>`;
  });
  const head =
    '<tr><th>Repository</th><th>Branch</th><th>What</th><th>Pushed by</th><th>When</th><th class="num">Commits</th><th>Issue</th><th class="num">Entry</th></tr>';
  return `<table class="direct-pushes"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Up to when each repository's population was checked against GitHub by a reconciliation sweep. */
function reconciledTable(posture: Posture): string {
  const reconciled = posture.reconciled ?? [];
  if (reconciled.length === 0)
    return '<p class="muted">No repository has been reconciled with GitHub yet: merges and pushes whose deliveries never arrived are not yet checked for.</p>';
  const rows = reconciled.map(
    (r) =>
      `<tr data-reconciled="${escapeHtml(r.repo)}"><td>${escapeHtml(r.repo)}</td><td>${escapeHtml(r.from)}</td><td>${escapeHtml(r.upTo)}</td><td>${r.coversPeriod ? 'yes' : '<strong>no</strong>'}</td></tr>`,
  );
  const head = '<tr><th>Repository</th><th>Reconciled from</th><th>Up to</th><th>Covers the period</th></tr>';
  return `<table class="reconciled"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The Posture page. A change "passed every control" when the gate's last verdict before the merge was success and
 * it was neither merged past the gate nor authorised as an emergency change (docs/dashboard.md).
 */
export function renderPosturePage(input: { filter: ChangeFilter; orgs: readonly string[]; posture: Posture; login: string }): string {
  const { filter, posture } = input;
  const scope = filter.repo ? escapeHtml(filter.repo) : filter.org ? `organisation ${escapeHtml(filter.org)}` : 'all repositories';
  const body = [
    '<h1>Compliance posture</h1>',
    `<p class="muted">Changes merged into controlled branches from ${escapeHtml(filter.since.slice(0, 10))} (inclusive) to ${escapeHtml(filter.until.slice(0, 10))} (exclusive), ${scope}.</p>`,
    renderFilterForm({ action: '/dashboard', filter, full: false, orgs: input.orgs }),
    cards(posture.total, posture.enforcementGaps.length, posture.directPushes.length),
    '<h2>Compliance rate per week</h2>',
    `<div class="panel">${renderRateChart(posture.weeks)}</div>`,
    '<h2>By repository</h2>',
    repoTable(filter, posture),
    '<h2>Enforcement gaps</h2>',
    gapTable(posture),
    '<h2>Direct pushes</h2>',
    directPushTable(posture),
    '<h2>Reconciled with GitHub</h2>',
    reconciledTable(posture),
    renderDownloads(filter),
  ].join('\n');
  return renderLayout({ title: 'Compliance posture', body, login: input.login, section: 'posture' });
}
