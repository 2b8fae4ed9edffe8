import type { SigningAlgorithm } from '../audit/signing.js';
import { formatVerifyResult, type VerifyResult } from '../audit/verify-chain.js';
import { escapeHtml, linkHtml } from './escape-html.js';
import { listItems, rowCells, type ExportColumn, type ExportRow } from './export-row.js';

export interface HtmlReport {
  mode: 'merges' | 'exceptions';
  /** ISO-8601 instants: since inclusive, until exclusive. */
  since: string;
  until: string;
  repo: string | null;
  generatedAt: string;
  /** The whole store's chain, verified when the report was made. */
  chain: VerifyResult;
  /** The signatures checked with the chain; null: hashes only. */
  signatures: SigningAlgorithm | null;
  rows: readonly ExportRow[];
  columns: readonly ExportColumn[];
}

// Inline only: the report is one file an auditor can open or archive without anything else.
const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1a1a1a; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
dt { font-weight: 600; }
dd { margin: 0; }
.ok { color: #116329; font-weight: 600; }
.broken { color: #a40e26; font-weight: 600; }
code, .hash { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
tr.exception td { background: #fff5f5; }
td { overflow-wrap: anywhere; }
@media print { body { margin: 0; } th { position: static; } }
`;

const HASH_COLUMNS = new Set<ExportColumn>(['merge_sha', 'head_sha', 'entry_hash']);

function cellHtml(row: ExportRow, column: ExportColumn): string {
  const items = listItems(row, column);
  if (items !== null) return items.map(escapeHtml).join('<br>');
  const [text = ''] = rowCells(row, [column]);
  if (column === 'url' || column === 'issue_url') return linkHtml(text);
  if (HASH_COLUMNS.has(column)) return `<span class="hash">${escapeHtml(text)}</span>`;
  return escapeHtml(text);
}

function chainHtml(report: HtmlReport): string {
  const checked = report.signatures
    ? `hashes and ${report.signatures} signatures checked`
    : 'hashes checked; signatures not checked: no key given';
  const status = report.chain.ok ? 'ok' : 'broken';
  return `<dd class="${status}">${report.chain.ok ? 'OK' : 'BROKEN'}</dd><dt>Chain detail</dt><dd><code>${escapeHtml(formatVerifyResult(report.chain))}</code> (${checked})</dd>`;
}

function summaryHtml(report: HtmlReport): string {
  if (report.mode === 'exceptions') {
    const emergencies = report.rows.filter((row) => row.type === 'emergency' || row.type === 'emergency-overdue').length;
    const overdue = report.rows.filter((row) => row.type === 'emergency-overdue').length;
    const detail =
      emergencies === 0
        ? ''
        : ` ${emergencies} emergency change${emergencies === 1 ? '' : 's'}, ${overdue} overdue for retrospective approval.`;
    const gaps = report.rows.filter((row) => row.type === 'enforcement-gap').length;
    const gapDetail = gaps === 0 ? '' : ` ${gaps} enforcement gap${gaps === 1 ? '' : 's'} (the gate not in force on a controlled branch).`;
    return `<p>${report.rows.length} exception${report.rows.length === 1 ? '' : 's'} in the period.${detail}${gapDetail}</p>`;
  }
  const withExceptions = report.rows.filter((row) => row.exceptions.length > 0).length;
  const byType = (type: string) => report.rows.filter((row) => row.change_type === type).length;
  const types = `By change type: ${byType('standard')} standard, ${byType('normal')} normal, ${byType('emergency')} emergency.`;
  return `<p>${report.rows.length} merged change${report.rows.length === 1 ? '' : 's'} in the period; ${withExceptions} with exceptions. ${types}</p>`;
}

/** A self-contained HTML report: inline CSS, no scripts, nothing loaded from elsewhere; every value escaped. */
export function formatHtml(report: HtmlReport): string {
  const heading = report.mode === 'exceptions' ? 'Change Control: exceptions' : 'Change Control: merged changes';
  const period = `${report.since} to ${report.until}`;
  const header = report.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const body =
    report.rows.length === 0
      ? `<tr><td colspan="${report.columns.length}">No ${report.mode === 'exceptions' ? 'exceptions' : 'merged changes'} in this period.</td></tr>`
      : report.rows
          .map((row) => {
            const css = row.exceptions.length > 0 ? ' class="exception"' : '';
            return `<tr${css}>${report.columns.map((column) => `<td>${cellHtml(row, column)}</td>`).join('')}</tr>`;
          })
          .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${heading}, ${period}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
<dl>
<dt>Period</dt><dd>from <code>${escapeHtml(report.since)}</code> (inclusive) to <code>${escapeHtml(report.until)}</code> (exclusive), by the time of each audit entry</dd>
<dt>Repository</dt><dd>${report.repo === null ? 'all' : escapeHtml(report.repo)}</dd>
<dt>Generated at</dt><dd><code>${escapeHtml(report.generatedAt)}</code></dd>
<dt>Audit store chain</dt>${chainHtml(report)}
</dl>
<h2>Summary</h2>
${summaryHtml(report)}
<table>
<thead><tr>${header}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}
