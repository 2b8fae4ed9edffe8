import { rowCells, type ExportColumn, type ExportRow } from './export-row.js';

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, and tab or carriage return, which some
 * programs strip first) gets a leading `'`, as OWASP's CSV injection guidance says. The JSONL export keeps
 * the values exact.
 */
function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** The rows as CSV with a header line; CRLF line ends (RFC 4180). */
export function formatCsv(rows: readonly ExportRow[], columns: readonly ExportColumn[]): string {
  const lines = [
    columns.join(','),
    ...rows.map((row) =>
      rowCells(row, columns)
        .map((cell) => quote(neutralise(cell)))
        .join(','),
    ),
  ];
  return lines.map((line) => `${line}\r\n`).join('');
}
