import { escapeHtml } from '../../report/escape-html.js';
import { filterQuery, type ChangeFilter } from '../../report/change-filter.js';
import type { ChangeSummary } from '../../report/change-summary.js';
import { renderDownloads, renderFilterForm } from './render-filter-form.js';
import { renderLayout } from './render-layout.js';

/** The change's evidence page. */
export function changePath(change: { repo: string; prNumber: number }): string {
  const [owner = '', name = ''] = change.repo.split('/');
  return `/dashboard/changes/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/${change.prNumber}`;
}

const badge = (text: string): string => `<span class="badge ${escapeHtml(text)}">${escapeHtml(text)}</span>`;

function row(change: ChangeSummary): string {
  const cells = [
    `<a href="${escapeHtml(changePath(change))}">${escapeHtml(`${change.repo}#${change.prNumber}`)}</a>`,
    escapeHtml(change.title),
    escapeHtml(change.author),
    `<span class="hash">${escapeHtml(change.mergedAt)}</span>`,
    escapeHtml(change.mergedBy ?? 'unknown'),
    escapeHtml(change.ticket ?? 'none'),
    escapeHtml(change.approvers.join(', ') || 'none'),
    badge(change.gateState),
    [
      ...(change.evidence === 'verified' ? [] : [badge(`evidence ${change.evidence}`)]),
      ...(change.exceptions.length === 0 ? (change.passed ? [badge('ok')] : []) : change.exceptions.map(badge)),
    ].join(' '),
  ];
  return `<tr data-change="${escapeHtml(`${change.repo}#${change.prNumber}`)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

function paging(filter: ChangeFilter, total: number): string {
  const pages = Math.max(1, Math.ceil(total / filter.perPage));
  const link = (page: number, text: string, rel: string) =>
    `<a rel="${rel}" href="/dashboard/changes?${escapeHtml(filterQuery(filter, { page }))}">${text}</a>`;
  const previous = filter.page > 1 ? link(filter.page - 1, '← Previous', 'prev') : '';
  const next = filter.page < pages ? link(filter.page + 1, 'Next →', 'next') : '';
  return `<div class="paging">${previous}<span>Page ${filter.page} of ${pages}</span>${next}</div>`;
}

/** The population of merged changes for the filter, one page of it, each row linking to its evidence. */
export function renderChangesPage(input: {
  filter: ChangeFilter;
  changes: readonly ChangeSummary[];
  total: number;
  login: string;
}): string {
  const { filter, total } = input;
  const head =
    '<tr><th>Change</th><th>Title</th><th>Author</th><th>Merged at</th><th>Merged by</th><th>Ticket</th><th>Approvers</th><th>Verdict</th><th>Exceptions</th></tr>';
  const rows =
    input.changes.length === 0
      ? '<tr><td colspan="9">No merged change matches these filters.</td></tr>'
      : input.changes.map(row).join('\n');
  const body = [
    '<h1>Changes</h1>',
    `<p class="muted" id="change-count">${total} merged change${total === 1 ? '' : 's'} from ${escapeHtml(filter.since.slice(0, 10))} to ${escapeHtml(filter.until.slice(0, 10))} (exclusive).</p>`,
    renderFilterForm({ action: '/dashboard/changes', filter, full: true }),
    renderDownloads(filter),
    `<table class="changes"><thead>${head}</thead><tbody>${rows}</tbody></table>`,
    paging(filter, total),
  ].join('\n');
  return renderLayout({ title: 'Changes', body, login: input.login, section: 'changes' });
}
