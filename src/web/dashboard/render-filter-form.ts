import { escapeHtml } from '../../report/escape-html.js';
import type { ChangeFilter } from '../../report/change-filter.js';
import { filterQuery } from '../../report/change-filter.js';

const dateOnly = (iso: string): string => iso.slice(0, 10);

function textInput(name: string, label: string, value: string | undefined, placeholder: string): string {
  return `<label>${label}<input name="${name}" value="${escapeHtml(value ?? '')}" placeholder="${escapeHtml(placeholder)}"></label>`;
}

function dateInput(name: 'since' | 'until', label: string, value: string): string {
  return `<label>${label}<input type="date" name="${name}" value="${escapeHtml(dateOnly(value))}"></label>`;
}

function select(name: string, label: string, value: string | undefined, options: readonly string[], blank = 'any'): string {
  const items = ['', ...options].map(
    (option) =>
      `<option value="${escapeHtml(option)}"${option === (value ?? '') ? ' selected' : ''}>${option === '' ? blank : escapeHtml(option)}</option>`,
  );
  return `<label>${label}<select name="${name}">${items.join('')}</select></label>`;
}

/**
 * The filter form (GET, so a filtered view is a link one can share); `full` adds the Changes page's filters; `orgs`
 * offers the organisations to choose from (the one chosen stays listed even when it has no change).
 */
export function renderFilterForm(input: { action: string; filter: ChangeFilter; full: boolean; orgs?: readonly string[] }): string {
  const { filter } = input;
  const orgs = input.orgs && filter.org !== undefined && !input.orgs.includes(filter.org) ? [...input.orgs, filter.org] : input.orgs;
  const fields = [
    orgs ? select('org', 'Organisation', filter.org, orgs, 'all') : textInput('org', 'Organisation', filter.org, 'acme'),
    textInput('repo', 'Repository', filter.repo, 'acme/payments'),
    dateInput('since', 'From (inclusive)', filter.since),
    dateInput('until', 'To (exclusive)', filter.until),
  ];
  if (input.full) {
    fields.push(
      select('verdict', 'Verdict', filter.verdict, ['success', 'pending', 'failure', 'error', 'none']),
      select('exception', 'Exception', filter.exception, [
        'any',
        'none',
        'bypass',
        'emergency',
        'emergency-overdue',
        'deployment-bypass',
        'direct-push',
      ]),
      textInput('ticket', 'Ticket', filter.ticket, 'PAY-12'),
      textInput('person', 'Person', filter.person, 'login'),
    );
  }
  return `<form class="filters panel" method="get" action="${input.action}">${fields.join('')}<button class="primary" type="submit">Apply</button></form>`;
}

/** Links to the CLI's reports for the current filter. */
export function renderDownloads(filter: ChangeFilter): string {
  const query = escapeHtml(filterQuery(filter));
  const link = (path: string, text: string) => `<a href="${path}?${query}" download>${text}</a>`;
  return `<p class="downloads">Download: ${link('/dashboard/export.csv', 'CSV')}${link('/dashboard/export.jsonl', 'JSONL')}${link('/dashboard/export.html', 'HTML report')} · exceptions: ${link('/dashboard/exceptions.csv', 'CSV')}${link('/dashboard/exceptions.jsonl', 'JSONL')}${link('/dashboard/exceptions.html', 'HTML report')}</p>`;
}
