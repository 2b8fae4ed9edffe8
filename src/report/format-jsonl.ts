import type { ExportColumn, ExportRow } from './export-row.js';

/** One JSON object per row and line, keys in column order; lists are JSON arrays (approvers with full SHAs). */
export function formatJsonl(rows: readonly ExportRow[], columns: readonly ExportColumn[]): string {
  return rows.map((row) => `${JSON.stringify(Object.fromEntries(columns.map((column) => [column, row[column] ?? null])))}\n`).join('');
}
